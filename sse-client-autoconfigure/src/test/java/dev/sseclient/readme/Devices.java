package dev.sseclient.readme;

// As the README's "Streams registered at run time" writes it; ReadmeSnippetsTests runs it.
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseRequest;
import dev.sseclient.listener.SseListener;

@Component
class Devices {

	private final SseStreamRegistry registry;

	private final ReadingStore store;

	Devices(SseStreamRegistry registry, ReadingStore store) {
		this.registry = registry;
		this.store = store;
	}

	@SseListener(stream = "device-*")
	void onReading(Reading reading, SseEvent event) {
		this.store.save(event.stream(), reading);
	}

	void appeared(String id, String token) {
		this.registry.register("device-" + id, SseRequest.get("https://iot.example.com/devices/" + id + "/events")
				.header("Authorization", "Bearer " + token)
				.build());						  // starts now; resumes from its stored checkpoint
	}

	void appearedFromTemplate(String id) {		  // with the template below
		this.registry.register("device-" + id, "device", Map.of("device", id));
	}

	void wentAway(String id) {
		this.registry.remove("device-" + id);	   // stops, saves its checkpoint, drops its health and meters
	}

}
