package dev.sseclient.kafka;

/**
 * Where one stream is forwarded: its topic, what keys its records, and whether its events and
 * checkpoint are committed together.
 *
 * @param topic the topic
 * @param key {@code stream}, {@code id}, {@code none}, or a JSON pointer into the data (such as
 * {@code /meta/domain})
 * @param exactlyOnce whether each batch and the stream's checkpoint go in one Kafka transaction
 * @param property the property that named the topic, for messages
 */
record ForwardSettings(String topic, String key, boolean exactlyOnce, String property) {

}
