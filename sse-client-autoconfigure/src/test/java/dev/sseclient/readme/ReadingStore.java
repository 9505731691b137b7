package dev.sseclient.readme;

/** The README's user type: where readings go. */
interface ReadingStore {

	void save(String stream, Reading reading);

}
