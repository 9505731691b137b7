package dev.sseclient.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;

/**
 * The {@code sse} actuator endpoint: every stream with its state and details, one stream by
 * name, and {@code start}, {@code stop} or {@code restart} of one stream
 * ({@code POST /actuator/sse/{name}} with {@code {"action": "restart"}}). Values are masked as
 * in health. Exposed only when the application exposes it, like every endpoint.
 */
@Endpoint(id = "sse")
public class SseEndpoint {

	private final SseStreamRegistry registry;

	public SseEndpoint(SseStreamRegistry registry) {
		this.registry = registry;
	}

	@ReadOperation
	public Map<String, Object> streams() {
		Map<String, Object> streams = new LinkedHashMap<>();
		this.registry.getContainers().forEach((container) -> streams.put(container.getName(), container.snapshot().toMap()));
		return Map.of("streams", streams);
	}

	@ReadOperation
	public @Nullable Map<String, Object> stream(@Selector String name) {
		SseStreamContainer container = this.registry.getContainer(name);
		return (container != null) ? container.snapshot().toMap() : null;
	}

	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> control(@Selector String name, String action) {
		SseStreamContainer container = this.registry.getContainer(name);
		if (container == null) {
			return new WebEndpointResponse<>(Map.of("error", "No stream named '" + name + "'"), 404);
		}
		switch (action.toLowerCase(Locale.ROOT)) {
			case "start" -> this.registry.start(name);
			case "stop" -> this.registry.stop(name);
			case "restart" -> this.registry.restart(name);
			default -> {
				return new WebEndpointResponse<>(
						Map.of("error", "Unknown action '" + action + "'; use start, stop or restart"), 400);
			}
		}
		return new WebEndpointResponse<>(container.snapshot().toMap(), 200);
	}

}
