package dev.sseclient.benchmarks.suite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Draws throughput and latency per client side by side into one PNG. */
final class Charts {

	private Charts() {
	}

	static void write(Results results, Path png) throws Exception {
		System.setProperty("java.awt.headless", "true");
		List<String> clients = SuiteMain.CLIENTS.stream().filter((client) -> !client.equals("raw-socket")).toList();
		CategoryChart throughput = chart("Throughput (million events/s, higher is better)", "M events/s");
		throughput.addSeries("64 B events", clients, values(results, "throughput-64B", clients, "rate", 1e6));
		throughput.addSeries("1 KiB events", clients, values(results, "throughput-1KiB", clients, "rate", 1e6));
		CategoryChart latency = chart("Latency at 10,000 events/s (µs, lower is better)", "µs");
		latency.addSeries("p99", clients, values(results, "latency", clients, "p99", 1));
		latency.addSeries("p99.9", clients, values(results, "latency", clients, "p999", 1));
		String file = png.toString().replaceAll("\\.png$", "");
		BitmapEncoder.saveBitmap(List.of(throughput, latency), 1, 2, file, BitmapEncoder.BitmapFormat.PNG);
	}

	private static CategoryChart chart(String title, String yTitle) {
		CategoryChart chart = new CategoryChartBuilder().width(640).height(460).title(title).yAxisTitle(yTitle).build();
		chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
		chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
		chart.getStyler().setXAxisLabelRotation(30);
		chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
		return chart;
	}

	private static List<Double> values(Results results, String scenario, List<String> clients, String key,
			double unit) {
		List<Double> values = new ArrayList<>();
		for (String client : clients) {
			values.add(results.median(scenario, client, key).orElse(0) / unit);
		}
		return values;
	}

}
