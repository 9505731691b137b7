package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

/** Spring WebFlux's WebClient decoding {@code ServerSentEvent<String>}: what Spring users write today. */
final class WebClientDriver implements Driver {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	@Override
	public void consume(URI url, int count, Consumer<String> onData) {
		WebClient.create()
			.get()
			.uri(url)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(EVENTS)
			.take(count)
			.doOnNext((event) -> onData.accept(event.data()))
			.blockLast();
	}

}
