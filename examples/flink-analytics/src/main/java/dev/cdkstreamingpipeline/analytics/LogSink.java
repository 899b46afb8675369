package dev.cdkstreamingpipeline.analytics;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each line to the job's log at INFO. On Managed Flink the log goes to CloudWatch Logs, which makes the
 * results visible without granting the application access to another sink.
 */
public class LogSink implements Sink<String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LogSink.class);

    // Flink 1.20 still declares this variant abstract; the WriterInitContext variant delegates to it.
    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<String> createWriter(InitContext context) {
        return new LogWriter();
    }

    private static final class LogWriter implements SinkWriter<String> {
        @Override
        public void write(String line, Context context) {
            LOG.info(line);
        }

        @Override
        public void flush(boolean endOfInput) {
            // Each line is logged as it is written: nothing is buffered.
        }

        @Override
        public void close() {
            // No resources: the logger belongs to the task manager.
        }
    }
}
