package dev.sseclient.listener;

import java.lang.reflect.Method;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.aot.BeanRegistrationCode;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;

import dev.sseclient.core.SseEvent;

/**
 * Registers what a native image needs to find and call {@link SseListener} methods: the
 * methods themselves, and the payload types Jackson reads event data into.
 */
class SseListenerBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	private final BindingReflectionHintsRegistrar bindingHints = new BindingReflectionHintsRegistrar();

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = registeredBean.getBeanClass();
		Map<Method, SseListener> listeners = MethodIntrospector.selectMethods(beanClass,
				(MethodIntrospector.MetadataLookup<SseListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, SseListener.class));
		if (listeners.isEmpty()) {
			return null;
		}
		return (GenerationContext generationContext, BeanRegistrationCode code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			for (Method method : listeners.keySet()) {
				reflection.registerMethod(method, ExecutableMode.INVOKE);
				for (int i = 0; i < method.getParameterCount(); i++) {
					MethodParameter parameter = new MethodParameter(method, i);
					Class<?> type = parameter.getParameterType();
					if (type != SseEvent.class && !BeanUtils.isSimpleValueType(type)) {
						this.bindingHints.registerReflectionHints(reflection, parameter.getGenericParameterType());
					}
				}
			}
		};
	}

}
