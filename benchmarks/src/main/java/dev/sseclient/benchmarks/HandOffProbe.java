package dev.sseclient.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

import org.HdrHistogram.Histogram;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How long a hand-off to an idle thread takes, with no I/O around it: a producer paced at
 * 10,000 per second hands a task to a pool and the task records how late it started. It tells
 * the pool's own share of the {@code @SseListener} path's latency from the rest (scheduling of
 * the client's threads, the network).
 *
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     dev.sseclient.benchmarks.HandOffProbe [fork-join|fixed|synchronous|bounded-elastic|unpark ...]
 * </pre>
 */
public final class HandOffProbe {

	private static final int RATE = 10_000;

	private static final int WARMUP = 50_000;

	private static final int RECORDED = 100_000;

	private static final int POOL_THREADS = 64;

	private HandOffProbe() {
	}

	public static void main(String[] args) throws Exception {
		List<String> pools = (args.length > 0) ? List.of(args)
				: List.of("fork-join", "fixed", "synchronous", "bounded-elastic", "unpark");
		for (String pool : pools) {
			Histogram histogram = pool.equals("unpark") ? unpark() : handOff(pool);
			System.out.printf(Locale.ROOT, "RESULT pool=%s p50=%.1f p99=%.1f p999=%.1f max=%.1f%n", pool,
					histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
					histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3);
		}
		System.exit(0);
	}

	/** Through an executor, each task started fresh, as the dispatch loop of an idle stream is. */
	private static Histogram handOff(String name) throws InterruptedException {
		Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
		Executor pool = pool(name);
		CountDownLatch done = new CountDownLatch(WARMUP + RECORDED);
		pace((index) -> {
			long handedAt = System.nanoTime();
			pool.execute(() -> {
				long late = System.nanoTime() - handedAt;
				if (index >= WARMUP) {
					synchronized (histogram) {
						histogram.recordValue(late);
					}
				}
				done.countDown();
			});
		});
		done.await();
		if (pool instanceof ExecutorService service) {
			service.shutdown();
		}
		return histogram;
	}

	/** One parked thread woken by {@link LockSupport#unpark}: the floor under any pool. */
	private static Histogram unpark() throws InterruptedException {
		Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
		AtomicLong handedAt = new AtomicLong();
		CountDownLatch done = new CountDownLatch(WARMUP + RECORDED);
		Thread consumer = new Thread(() -> {
			long received = 0;
			while (done.getCount() > 0) {
				long stamp = handedAt.getAndSet(0);
				if (stamp == 0) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
					continue;
				}
				if (received++ >= WARMUP) {
					histogram.recordValue(System.nanoTime() - stamp);
				}
				done.countDown();
			}
		});
		consumer.start();
		pace((index) -> {
			handedAt.set(System.nanoTime());
			LockSupport.unpark(consumer);
		});
		// a stamp overwritten before it was read is a lost hand-off: stop waiting for it
		done.await(2, TimeUnit.SECONDS);
		while (done.getCount() > 0) {
			done.countDown();
		}
		consumer.join();
		return histogram;
	}

	private static Executor pool(String name) {
		return switch (name) {
			// as SseStreamRegistry builds it
			case "fork-join" -> new ForkJoinPool(POOL_THREADS, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null,
					true, 0, POOL_THREADS, 1, (saturated) -> true, 60, TimeUnit.SECONDS);
			case "fixed" -> Executors.newFixedThreadPool(POOL_THREADS);
			case "synchronous" -> new ThreadPoolExecutor(0, POOL_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
			case "bounded-elastic" -> {
				Scheduler scheduler = Schedulers.newBoundedElastic(POOL_THREADS, 100_000, "probe");
				yield scheduler::schedule;
			}
			default -> throw new IllegalArgumentException("Unknown pool " + name);
		};
	}

	/** Calls {@code handOff} {@code WARMUP + RECORDED} times, evenly paced at {@link #RATE}. */
	private static void pace(IntConsumer handOff) {
		long period = TimeUnit.SECONDS.toNanos(1) / RATE;
		long next = System.nanoTime();
		for (int index = 0; index < WARMUP + RECORDED; index++) {
			long wait;
			while ((wait = next - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			next += period;
			handOff.accept(index);
		}
	}

}
