package dev.cdkstreamingpipeline.analytics;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Labels the count {@link CountAggregate} produced with its window and event type. */
public class ToWindowCount extends ProcessWindowFunction<Long, WindowCount, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String eventType, Context context, Iterable<Long> counts, Collector<WindowCount> out) {
        TimeWindow window = context.window();
        // With an incremental aggregate the window holds exactly one value: the count.
        out.collect(new WindowCount(window.getStart(), window.getEnd(), eventType, counts.iterator().next()));
    }
}
