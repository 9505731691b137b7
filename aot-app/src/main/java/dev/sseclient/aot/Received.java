package dev.sseclient.aot;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** Prints {@code RECEIVED <kind>} the first time a kind of listener gets a payload. */
@Component
public class Received {

	private final Set<String> kinds = ConcurrentHashMap.newKeySet();

	public void mark(String kind) {
		if (this.kinds.add(kind)) {
			System.out.println("RECEIVED " + kind);
		}
	}

}
