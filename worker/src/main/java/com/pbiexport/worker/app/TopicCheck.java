package com.pbiexport.worker.app;

import com.pbiexport.worker.config.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the four topics exist and are fit for the worker: the job-state topic compacted and with at least as many
 * partitions as the request topic (a job state is written to its request's partition number). With
 * {@code topics.create=true} missing topics are created that way first. Each problem names the setting and the fix;
 * an empty list means ready. Blocking (admin calls): run it off the intake and export threads.
 */
final class TopicCheck {
    private final Admin admin;
    private final Topics topics;
    private final Duration timeout;

    TopicCheck(Admin admin, Topics topics, Duration timeout) {
        this.admin = admin;
        this.topics = topics;
        this.timeout = timeout;
    }

    /** The problems found (after creating missing topics when configured); empty when every topic is fit. */
    List<String> run() throws InterruptedException {
        Map<String, String> settingOf = new LinkedHashMap<>();
        settingOf.put(topics.requests(), "topics.requests");
        settingOf.put(topics.results(), "topics.results");
        settingOf.put(topics.jobState(), "topics.jobState");
        settingOf.put(topics.deadLetter(), "topics.deadLetter");
        List<String> problems = new ArrayList<>();
        Map<String, Optional<TopicDescription>> found = describe(settingOf, problems);
        if (!problems.isEmpty()) {
            return problems;
        }
        if (topics.create() && found.values().stream().anyMatch(Optional::isEmpty)) {
            create(found, problems);
            if (!problems.isEmpty()) {
                return problems;
            }
            found = describeCreated(settingOf, problems);
            if (!problems.isEmpty()) {
                return problems;
            }
        }
        found.forEach((name, d) -> {
            if (d.isEmpty()) {
                problems.add("topic " + name + " (" + settingOf.get(name) + ") does not exist: create it"
                        + (name.equals(topics.jobState()) ? " compacted (cleanup.policy=compact) with as many "
                        + "partitions as " + topics.requests() : "") + ", or set topics.create=true");
            }
        });
        Optional<TopicDescription> requests = found.get(topics.requests());
        Optional<TopicDescription> jobState = found.get(topics.jobState());
        if (jobState.isPresent()) {
            String policy = cleanupPolicy(topics.jobState());
            if (!policy.contains("compact")) {
                problems.add("topic " + topics.jobState() + " (topics.jobState) has cleanup.policy=" + policy
                        + ", must be compacted: kafka-configs --alter --entity-type topics --entity-name "
                        + topics.jobState() + " --add-config cleanup.policy=compact");
            }
            if (requests.isPresent() && jobState.get().partitions().size() < requests.get().partitions().size()) {
                problems.add("topic " + topics.jobState() + " (topics.jobState) has " + jobState.get().partitions().size()
                        + " partition(s), fewer than the " + requests.get().partitions().size() + " of "
                        + topics.requests() + " (topics.requests); job states go to their request's partition number: "
                        + "kafka-topics --alter --topic " + topics.jobState() + " --partitions "
                        + requests.get().partitions().size());
            }
        }
        return problems;
    }

    private Map<String, Optional<TopicDescription>> describe(Map<String, String> settingOf, List<String> problems)
            throws InterruptedException {
        Map<String, Optional<TopicDescription>> found = new LinkedHashMap<>();
        var futures = admin.describeTopics(settingOf.keySet()).topicNameValues();
        for (String name : settingOf.keySet()) {
            try {
                found.put(name, Optional.of(futures.get(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS)));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    found.put(name, Optional.empty());
                } else if (e.getCause() instanceof TopicAuthorizationException) {
                    problems.add("not authorised to describe topic " + name + " (" + settingOf.get(name)
                            + "): grant the worker's principal DESCRIBE on it");
                } else {
                    problems.add("cannot describe topic " + name + " (" + settingOf.get(name) + "): "
                            + e.getCause() + "; check kafka.bootstrapServers and the security settings");
                }
            } catch (TimeoutException e) {
                problems.add("no answer from the broker within " + timeout.toSeconds() + " s describing topic "
                        + name + ": check kafka.bootstrapServers and the security settings");
            }
        }
        return found;
    }

    /**
     * The topics again after creating them. A created topic reaches the metadata a broker answers describe with a
     * moment after CreateTopics returns (KRaft propagates it asynchronously), so an absent one is looked up again,
     * every 100 ms, until it shows or the check's timeout is spent (then it is reported missing).
     */
    private Map<String, Optional<TopicDescription>> describeCreated(Map<String, String> settingOf, List<String> problems)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Optional<TopicDescription>> found = describe(settingOf, problems);
        while (problems.isEmpty() && found.values().stream().anyMatch(Optional::isEmpty)
                && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the broker's metadata, bounded by the timeout
            found = describe(settingOf, problems);
        }
        return found;
    }

    private void create(Map<String, Optional<TopicDescription>> found, List<String> problems)
            throws InterruptedException {
        List<NewTopic> wanted = new ArrayList<>();
        Optional<Integer> requestPartitions = found.get(topics.requests()).map(d -> d.partitions().size());
        for (String name : List.of(topics.requests(), topics.results(), topics.deadLetter())) {
            if (found.get(name).isEmpty()) {
                wanted.add(new NewTopic(name, Optional.empty(), Optional.empty()));
            }
        }
        if (!wanted.isEmpty()) {
            createAll(wanted, problems);
        }
        if (found.get(topics.jobState()).isEmpty() && problems.isEmpty()) {
            if (requestPartitions.isEmpty()) {
                Map<String, Optional<TopicDescription>> now = describe(Map.of(topics.requests(), "topics.requests"),
                        problems);
                requestPartitions = now.getOrDefault(topics.requests(), Optional.empty()).map(d -> d.partitions().size());
            }
            if (requestPartitions.isPresent()) {
                createAll(List.of(new NewTopic(topics.jobState(), Optional.of(requestPartitions.get()), Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact"))), problems);
            }
        }
    }

    private void createAll(List<NewTopic> wanted, List<String> problems) throws InterruptedException {
        var results = admin.createTopics(wanted).values();
        for (NewTopic t : wanted) {
            try {
                results.get(t.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // another instance was first: fine
                    problems.add("cannot create topic " + t.name() + " (topics.create=true): " + e.getCause()
                            + "; create it yourself or grant the worker's principal CREATE");
                }
            } catch (TimeoutException e) {
                problems.add("no answer from the broker within " + timeout.toSeconds() + " s creating topic "
                        + t.name());
            }
        }
    }

    private String cleanupPolicy(String topic) throws InterruptedException {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config c = admin.describeConfigs(List.of(r)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(r);
            return c == null || c.get("cleanup.policy") == null ? "unknown" : c.get("cleanup.policy").value();
        } catch (ExecutionException | TimeoutException e) {
            return "unknown (" + e + ")";
        }
    }
}
