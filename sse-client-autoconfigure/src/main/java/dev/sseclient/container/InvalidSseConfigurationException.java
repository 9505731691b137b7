package dev.sseclient.container;

/**
 * Startup found a stream declaration or a listener that cannot work. Reported by
 * the failure analyzer with the property or listener at fault.
 */
public class InvalidSseConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String source;

	private final String problem;

	private final String action;

	/**
	 * @param source the property path or listener at fault
	 * @param problem what is wrong, as a sentence fragment following the source
	 * @param action how to fix it
	 */
	public InvalidSseConfigurationException(String source, String problem, String action) {
		super(source + " " + problem);
		this.source = source;
		this.problem = problem;
		this.action = action;
	}

	public String getSource() {
		return this.source;
	}

	public String getProblem() {
		return this.problem;
	}

	public String getAction() {
		return this.action;
	}

}
