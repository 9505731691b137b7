package dev.sseclient.listener;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observation of a listener call. Declare a bean of this type to replace
 * {@link DefaultSseListenerObservationConvention}.
 */
public interface SseListenerObservationConvention extends ObservationConvention<SseListenerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof SseListenerObservationContext;
	}

}
