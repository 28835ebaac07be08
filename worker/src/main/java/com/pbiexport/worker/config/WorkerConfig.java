package com.pbiexport.worker.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole worker configuration: immutable, validated by {@link ConfigLoader} before anything starts.
 * Tests build it directly with {@link #of(KafkaSettings, Map, Sinks)} and the {@code with*} methods.
 *
 * @param instanceId names this instance in events and metrics (default: the host name)
 * @param tenants    configured tenants by alias (the {@code tenant} of a request names one)
 * @param delivery   exactly-once (Kafka transactions) or at-least-once
 * @param intake     how intake guards the request topic (the dead-letter breaker)
 * @param diagnose   the extra evidence gathered to name a failure's cause (the read-only admin API probe)
 */
public record WorkerConfig(
        String instanceId,
        KafkaSettings kafka,
        Topics topics,
        Map<String, TenantConfig> tenants,
        Sinks sinks,
        Limits limits,
        HttpSettings http,
        TokenSettings tokens,
        AdminSettings admin,
        LoggingSettings logging,
        DeliverySettings delivery,
        IntakeSettings intake,
        DiagnoseSettings diagnose) {

    public WorkerConfig {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(topics, "topics");
        tenants = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tenants, "tenants")));
        Objects.requireNonNull(sinks, "sinks");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(intake, "intake");
        Objects.requireNonNull(diagnose, "diagnose");
    }

    /** Diagnose at its defaults; kept so configurations built before it existed compile. */
    public WorkerConfig(String instanceId, KafkaSettings kafka, Topics topics, Map<String, TenantConfig> tenants,
                        Sinks sinks, Limits limits, HttpSettings http, TokenSettings tokens, AdminSettings admin,
                        LoggingSettings logging, DeliverySettings delivery, IntakeSettings intake) {
        this(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging, delivery, intake,
                DiagnoseSettings.defaults());
    }

    /** Intake at its defaults; kept so configurations built before it existed compile. */
    public WorkerConfig(String instanceId, KafkaSettings kafka, Topics topics, Map<String, TenantConfig> tenants,
                        Sinks sinks, Limits limits, HttpSettings http, TokenSettings tokens, AdminSettings admin,
                        LoggingSettings logging, DeliverySettings delivery) {
        this(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging, delivery,
                IntakeSettings.defaults());
    }

    /** Delivery at its default ({@code exactly-once}); kept so configurations built before it existed compile. */
    public WorkerConfig(String instanceId, KafkaSettings kafka, Topics topics, Map<String, TenantConfig> tenants,
                        Sinks sinks, Limits limits, HttpSettings http, TokenSettings tokens, AdminSettings admin,
                        LoggingSettings logging) {
        this(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging,
                DeliverySettings.defaults());
    }

    /** Everything else at its default; instance id {@code worker}. */
    public static WorkerConfig of(KafkaSettings kafka, Map<String, TenantConfig> tenants, Sinks sinks) {
        return new WorkerConfig("worker", kafka, Topics.defaults(), tenants, sinks, Limits.defaults(),
                HttpSettings.defaults(), TokenSettings.defaults(), AdminSettings.defaults(),
                LoggingSettings.defaults(), DeliverySettings.defaults(), IntakeSettings.defaults(),
                DiagnoseSettings.defaults());
    }

    public Optional<TenantConfig> tenant(String alias) {
        return Optional.ofNullable(tenants.get(alias));
    }

    public WorkerConfig withInstanceId(String value) {
        return new WorkerConfig(value, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging, delivery,
                intake, diagnose);
    }

    public WorkerConfig withKafka(KafkaSettings value) {
        return new WorkerConfig(instanceId, value, topics, tenants, sinks, limits, http, tokens, admin, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withTopics(Topics value) {
        return new WorkerConfig(instanceId, kafka, value, tenants, sinks, limits, http, tokens, admin, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withTenants(Map<String, TenantConfig> value) {
        return new WorkerConfig(instanceId, kafka, topics, value, sinks, limits, http, tokens, admin, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withSinks(Sinks value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, value, limits, http, tokens, admin, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withLimits(Limits value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, value, http, tokens, admin, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withHttp(HttpSettings value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, value, tokens, admin, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withTokens(TokenSettings value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, http, value, admin, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withAdmin(AdminSettings value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, value, logging,
                delivery, intake, diagnose);
    }

    public WorkerConfig withLogging(LoggingSettings value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, value,
                delivery, intake, diagnose);
    }

    public WorkerConfig withDelivery(DeliverySettings value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging,
                value, intake, diagnose);
    }

    public WorkerConfig withIntake(IntakeSettings value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging,
                delivery, value, diagnose);
    }

    public WorkerConfig withDiagnose(DiagnoseSettings value) {
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging,
                delivery, intake, value);
    }
}
