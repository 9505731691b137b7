package dev.sseclient.listener;

import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;

/**
 * A {@code @Valid} payload that its validator rejected. It reaches the error handler as the
 * cause of a {@link PayloadConversionException}, so it is not retried: the same data would
 * fail again.
 */
public class PayloadValidationException extends RuntimeException {

	private final Errors errors;

	public PayloadValidationException(Errors errors) {
		super("Invalid payload: " + errors.getAllErrors()
			.stream()
			.map((error) -> (error instanceof FieldError field)
					? field.getField() + " " + field.getDefaultMessage() : error.getDefaultMessage())
			.toList());
		this.errors = errors;
	}

	/** What the validator found. */
	public Errors getErrors() {
		return this.errors;
	}

}
