package dev.sseclient.sample;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import dev.sseclient.listener.SseListener;

/**
 * With the {@code wikimedia} profile (and internet access): follows Wikimedia's public
 * recent-changes stream, declared in {@code application-wikimedia.yml}.
 */
@Component
@Profile("wikimedia")
class RecentChangeListener {

	private static final Log logger = LogFactory.getLog(RecentChangeListener.class);

	/** The fields of a recent change this sample shows. */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record RecentChange(String wiki, String type, String title, String user) {
	}

	@SseListener(stream = "recentchange", events = "message")
	void onChange(RecentChange change) {
		logger.info(change.wiki() + " " + change.type() + " '" + change.title() + "' by " + change.user());
	}

}
