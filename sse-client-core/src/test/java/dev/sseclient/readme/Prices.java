package dev.sseclient.readme;

/** The README's user type: where prices go. */
interface Prices {

	void update(String data);

}
