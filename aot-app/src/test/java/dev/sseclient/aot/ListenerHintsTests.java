package dev.sseclient.aot;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.AnnotatedBeanDefinitionReader;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime hints AOT processing gives this application's listeners, as a native image needs
 * them: the listener methods, and the payload types Jackson creates (record, POJO, list element,
 * Kotlin data class).
 */
class ListenerHintsTests {

	@Test
	void listenerMethodsAndEveryPayloadTypeGetHints() {
		GenericApplicationContext context = new GenericApplicationContext();
		new AnnotatedBeanDefinitionReader(context).register(Listeners.class, KotlinListeners.class, Received.class);
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("dev.sseclient.aot", "HintsCheck")), new InMemoryGeneratedFiles());
		new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		RuntimeHints hints = generation.getRuntimeHints();
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class, "onQuote")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class, "onBatch")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(KotlinListeners.class, "onTick")).accepts(hints);
		for (Class<?> payload : new Class<?>[] { Listeners.Quote.class, Listeners.News.class, Tick.class }) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(payload)
				.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as(payload.getSimpleName()).accepts(hints);
		}
	}

}
