package dev.sseclient.autoconfigure;

import dev.sseclient.container.InvalidSseConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link InvalidSseConfigurationException} into a startup report that names the property
 * or listener at fault and says how to fix it.
 */
class InvalidSseConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSseConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSseConfigurationException cause) {
		return new FailureAnalysis("Invalid sse-client configuration: " + cause.getSource() + " " + cause.getProblem()
				+ ".", cause.getAction(), cause);
	}

}
