package dev.sseclient.benchmarks.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/** Every run's figures, by scenario, driver and round; medians and per-round ratios from them. */
final class Results {

	private final Map<String, Map<String, List<Map<String, String>>>> runs = new LinkedHashMap<>();

	void add(String scenario, String driver, int round, Map<String, String> result) {
		List<Map<String, String>> rounds = this.runs.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(driver, (key) -> new ArrayList<>());
		while (rounds.size() <= round) {
			rounds.add(Map.of());
		}
		rounds.set(round, result);
	}

	List<String> drivers(String scenario) {
		return List.copyOf(this.runs.getOrDefault(scenario, Map.of()).keySet());
	}

	/** The median of {@code key} over the rounds where the driver produced it. */
	OptionalDouble median(String scenario, String driver, String key) {
		List<Map<String, String>> rounds = this.runs.getOrDefault(scenario, Map.of()).getOrDefault(driver, List.of());
		return median(rounds.stream().filter((result) -> result.containsKey(key))
			.mapToDouble((result) -> Double.parseDouble(result.get(key)))
			.toArray());
	}

	/** The text of {@code key} in the last round where the driver produced it, or a dash. */
	String last(String scenario, String driver, String key) {
		List<Map<String, String>> rounds = this.runs.getOrDefault(scenario, Map.of()).getOrDefault(driver, List.of());
		String found = "—";
		for (Map<String, String> result : rounds) {
			found = result.getOrDefault(key, found);
		}
		return found;
	}

	/**
	 * The median over rounds of a ratio computed within each round (from that round's figures
	 * only), so a machine that slows down between rounds does not skew it.
	 */
	OptionalDouble medianRatio(String scenario, ToDoubleFunction<Map<String, Map<String, String>>> ratioInRound) {
		Map<String, List<Map<String, String>>> byDriver = this.runs.getOrDefault(scenario, Map.of());
		int rounds = byDriver.values().stream().mapToInt(List::size).max().orElse(0);
		List<Double> ratios = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			Map<String, Map<String, String>> inRound = new LinkedHashMap<>();
			for (Map.Entry<String, List<Map<String, String>>> entry : byDriver.entrySet()) {
				if (round < entry.getValue().size() && !entry.getValue().get(round).isEmpty()) {
					inRound.put(entry.getKey(), entry.getValue().get(round));
				}
			}
			double ratio = ratioInRound.applyAsDouble(inRound);
			if (!Double.isNaN(ratio)) {
				ratios.add(ratio);
			}
		}
		return median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
	}

	static double value(Map<String, Map<String, String>> round, String driver, String key) {
		Map<String, String> result = round.get(driver);
		return (result != null && result.containsKey(key)) ? Double.parseDouble(result.get(key)) : Double.NaN;
	}

	private static OptionalDouble median(double[] values) {
		if (values.length == 0) {
			return OptionalDouble.empty();
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return OptionalDouble.of((sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
	}

}
