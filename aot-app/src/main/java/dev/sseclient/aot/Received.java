package dev.sseclient.aot;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/** Logs {@code RECEIVED <kind>} the first time a kind of listener gets a payload. */
@Component
public class Received {

	private static final Log logger = LogFactory.getLog(Received.class);

	private final Set<String> kinds = ConcurrentHashMap.newKeySet();

	public void mark(String kind) {
		if (this.kinds.add(kind)) {
			logger.info("RECEIVED " + kind);
		}
	}

}
