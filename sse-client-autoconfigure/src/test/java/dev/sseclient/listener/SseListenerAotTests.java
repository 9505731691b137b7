package dev.sseclient.listener;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.env.MapPropertySource;
import org.springframework.javapoet.ClassName;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.core.SseEvent;

import static org.assertj.core.api.Assertions.assertThat;

class SseListenerAotTests {

	record Quote(String symbol, double price) {
	}

	static class QuoteListener {

		@SseListener(stream = "quotes", events = "quote")
		void onQuote(SseEvent event, Quote quote) {
		}

		@SseListener(stream = "quotes", events = "batch")
		void onBatch(List<Quote> quotes) {
		}

		@SseListener(stream = "quotes", events = "count")
		void onCount(int count) {
		}

	}

	@Test
	void listenerMethodsAndPayloadTypesGetHints() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("quoteListener", new RootBeanDefinition(QuoteListener.class));
		BeanRegistrationAotContribution contribution = new SseListenerBeanRegistrationAotProcessor()
			.processAheadOfTime(RegisteredBean.of(beanFactory, "quoteListener"));
		assertThat(contribution).isNotNull();
		DefaultGenerationContext generationContext = generationContext();
		contribution.applyTo(generationContext, null);
		RuntimeHints hints = generationContext.getRuntimeHints();
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(QuoteListener.class, "onQuote"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(QuoteListener.class, "onBatch"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Quote.class)
			.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(SseEvent.class)).rejects(hints);
	}

	@Test
	void beansWithoutListenersContributeNothing() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("plain", new RootBeanDefinition(String.class));
		assertThat(new SseListenerBeanRegistrationAotProcessor().processAheadOfTime(RegisteredBean.of(beanFactory, "plain")))
			.isNull();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SseClientAutoConfiguration.class)
	static class ApplicationConfiguration {

		@Bean
		QuoteListener quoteListener() {
			return new QuoteListener();
		}

	}

	@Test
	void autoConfigurationAndListenerDiscoverySurviveAotProcessing() {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test", java.util.Map.of("sse.client.streams.quotes.url", "http://localhost/q")));
		context.register(ApplicationConfiguration.class);
		DefaultGenerationContext generationContext = generationContext();
		new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		generationContext.writeGeneratedContent();
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(QuoteListener.class, "onQuote"))
			.accepts(generationContext.getRuntimeHints());
		assertThat(((InMemoryGeneratedFiles) generationContext.getGeneratedFiles())
			.getGeneratedFiles(org.springframework.aot.generate.GeneratedFiles.Kind.SOURCE)
			.keySet()).anyMatch((path) -> path.contains("SseClientAutoConfiguration__BeanDefinitions"));
	}

	private static DefaultGenerationContext generationContext() {
		return new DefaultGenerationContext(new ClassNameGenerator(ClassName.get("com.example", "AotTest")),
				new InMemoryGeneratedFiles());
	}

}
