package com.pbiexport.worker.diagnose.doctor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the doctor found asking the broker, as the worker's own clients see it: gathered by the CLI (which owns the
 * Kafka clients), judged by {@link KafkaCheck}. Never holds a credential.
 *
 * @param bootstrapServers the {@code kafka.bootstrapServers} value, named in every connection failure
 * @param unreachable      why no broker answered within the bounded time; empty when one did (then the rest applies)
 * @param broker           what answered (cluster id, broker count), for the detail
 * @param topicProblems    the start-up topic check's problems, each naming the setting and the fix; empty when fit
 * @param group            the consumer group's authorisation
 * @param transactionalId  the transactional id's authorisation and transaction support; empty in at-least-once mode
 */
public record KafkaFindings(String bootstrapServers, Optional<String> unreachable, String broker,
                            List<String> topicProblems, Probe group, Optional<Probe> transactionalId) {

    public KafkaFindings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(unreachable, "unreachable");
        Objects.requireNonNull(broker, "broker");
        topicProblems = List.copyOf(topicProblems);
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(transactionalId, "transactionalId");
    }

    /** No broker answered: nothing else could be asked. */
    public static KafkaFindings unreachable(String bootstrapServers, String why) {
        return new KafkaFindings(bootstrapServers, Optional.of(why), "", List.of(),
                Probe.notChecked("broker unreachable"), Optional.empty());
    }

    /** The answer to one authorisation question. */
    public sealed interface Probe {
        String detail();

        static Probe allowed(String detail) {
            return new Allowed(detail);
        }

        static Probe denied(String detail, String fix) {
            return new Denied(detail, fix);
        }

        static Probe notChecked(String why) {
            return new NotChecked(why);
        }
    }

    /** The broker answered the question: authorised. */
    public record Allowed(String detail) implements Probe {
    }

    /** The broker refused, or the question failed: {@code fix} names the ACL or setting. */
    public record Denied(String detail, String fix) implements Probe {
    }

    /** The doctor could not ask without side effects, or the broker cannot answer: said honestly, not a failure. */
    public record NotChecked(String detail) implements Probe {
    }
}
