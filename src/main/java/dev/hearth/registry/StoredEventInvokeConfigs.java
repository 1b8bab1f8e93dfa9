package dev.hearth.registry;

import dev.hearth.core.Arns;
import dev.hearth.core.LambdaException;
import dev.hearth.core.Validation;
import dev.hearth.store.EventInvokeConfigStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@link EventInvokeConfigs} over its store. The function and qualifier are validated by
 * {@link FunctionDirectory#target} (so names, ARNs and missing qualifiers get the same errors as every
 * other operation); the unqualified function's config is the {@code $LATEST} one, as on AWS.
 */
final class StoredEventInvokeConfigs implements EventInvokeConfigs {

    /** AWS's {@code DestinationArn} pattern, as its validation messages quote it. */
    static final String DESTINATION_PATTERN = "$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):"
            + "([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)";
    private static final Pattern DESTINATION = Pattern.compile(DESTINATION_PATTERN);
    private static final Pattern LAMBDA_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:"
            + "[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
    private static final Pattern SQS_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\\d{12}:[a-zA-Z0-9-_]+(\\.fifo)?");
    private static final int MAX_DESTINATION_LENGTH = 350;
    private static final int MAX_LIST_ITEMS = 50;

    private final FunctionDirectory directory;
    private final EventInvokeConfigStore store;
    private final Arns arns;
    private final Clock clock;
    /** Whether the node has an SQS endpoint (--sqs-endpoint) to deliver SQS destinations to. */
    private final boolean sqsConfigured;

    StoredEventInvokeConfigs(FunctionDirectory directory, EventInvokeConfigStore store, Arns arns, Clock clock,
                             boolean sqsConfigured) {
        this.sqsConfigured = sqsConfigured;
        this.directory = directory;
        this.store = store;
        this.arns = arns;
        this.clock = clock;
    }

    @Override
    public EventInvokeConfig put(String functionName, Optional<String> qualifier, EventInvokeSettings settings) {
        validate(settings);
        Qualified target = directory.target(functionName, qualifier);
        EventInvokeConfig config = new EventInvokeConfig(target.functionName(), key(target),
                settings.maximumRetryAttempts(), settings.maximumEventAgeInSeconds(),
                settings.onSuccess().filter(d -> !d.isEmpty()), settings.onFailure().filter(d -> !d.isEmpty()),
                now());
        store.put(row(config));
        return config;
    }

    @Override
    public EventInvokeConfig update(String functionName, Optional<String> qualifier, EventInvokeSettings settings) {
        validate(settings);
        EventInvokeConfig old = get(functionName, qualifier);
        EventInvokeConfig config = new EventInvokeConfig(old.functionName(), old.qualifier(),
                settings.maximumRetryAttempts().or(old::maximumRetryAttempts),
                settings.maximumEventAgeInSeconds().or(old::maximumEventAgeInSeconds),
                merged(settings.onSuccess(), old.onSuccess()), merged(settings.onFailure(), old.onFailure()), now());
        store.put(row(config));
        return config;
    }

    @Override
    public EventInvokeConfig get(String functionName, Optional<String> qualifier) {
        Qualified target = directory.target(functionName, qualifier);
        String key = key(target);
        return store.get(target.functionName(), key).map(StoredEventInvokeConfigs::config)
                .orElseThrow(() -> missing(target.functionName(), key));
    }

    @Override
    public void delete(String functionName, Optional<String> qualifier) {
        Qualified target = directory.target(functionName, qualifier);
        if (!store.delete(target.functionName(), key(target))) {
            throw missing(target.functionName(), key(target));
        }
    }

    @Override
    public Page list(String functionName, Optional<String> marker, Optional<Integer> maxItems) {
        maxItems.filter(n -> n < 1 || n > MAX_LIST_ITEMS).ifPresent(n -> new Validation().fail(n, "maxItems",
                n < 1 ? "Member must have value greater than or equal to 1"
                        : "Member must have value less than or equal to " + MAX_LIST_ITEMS).throwIfFailed());
        Qualified target = directory.target(functionName, Optional.empty());
        int limit = maxItems.orElse(MAX_LIST_ITEMS);
        List<EventInvokeConfig> page = new ArrayList<>();
        boolean more = false;
        for (EventInvokeConfigStore.Row row : store.list(target.functionName())) {
            if (marker.isPresent() && row.qualifier().compareTo(marker.get()) <= 0) {
                continue;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(config(row));
        }
        Optional<String> next = more ? Optional.of(page.getLast().qualifier()) : Optional.empty();
        return new Page(page, next);
    }

    @Override
    public EventInvokeConfig effective(String functionName, Optional<String> qualifier) {
        String key = qualifier.filter(q -> !q.isEmpty()).orElse(FunctionVersion.LATEST);
        return store.get(functionName, key).map(StoredEventInvokeConfigs::config)
                .orElseGet(() -> EventInvokeConfig.defaults(functionName, key));
    }

    @Override
    public String arnOf(EventInvokeConfig config) {
        return arns.function(config.functionName(), config.qualifier());
    }

    private LambdaException missing(String functionName, String qualifier) {
        return LambdaException.notFound("The function " + arns.function(functionName, qualifier)
                + " doesn't have an EventInvokeConfig");
    }

    private void validate(EventInvokeSettings s) {
        Validation v = new Validation();
        s.maximumRetryAttempts().ifPresent(n -> {
            if (n < 0) {
                v.fail(n, "maximumRetryAttempts", "Member must have value greater than or equal to 0");
            } else if (n > EventInvokeConfig.MAX_RETRY_ATTEMPTS) {
                v.fail(n, "maximumRetryAttempts", "Member must have value less than or equal to "
                        + EventInvokeConfig.MAX_RETRY_ATTEMPTS);
            }
        });
        s.maximumEventAgeInSeconds().ifPresent(n -> {
            if (n < EventInvokeConfig.MIN_EVENT_AGE_SECONDS) {
                v.fail(n, "maximumEventAgeInSeconds", "Member must have value greater than or equal to "
                        + EventInvokeConfig.MIN_EVENT_AGE_SECONDS);
            } else if (n > EventInvokeConfig.DEFAULT_EVENT_AGE_SECONDS) {
                v.fail(n, "maximumEventAgeInSeconds", "Member must have value less than or equal to "
                        + EventInvokeConfig.DEFAULT_EVENT_AGE_SECONDS);
            }
        });
        s.onSuccess().ifPresent(d -> destinationPattern(v, d, "destinationConfig.onSuccess.destination"));
        s.onFailure().ifPresent(d -> destinationPattern(v, d, "destinationConfig.onFailure.destination"));
        v.throwIfFailed();
        if (s.isEmpty()) {
            throw LambdaException.invalidParameter("You must specify at least one of error handling or destination"
                    + " setting.");
        }
        s.onSuccess().ifPresent(this::destinationKind);
        s.onFailure().ifPresent(this::destinationKind);
    }

    private static void destinationPattern(Validation v, String arn, String member) {
        if (arn.length() > MAX_DESTINATION_LENGTH) {
            v.fail(arn, member, "Member must have length less than or equal to " + MAX_DESTINATION_LENGTH);
        } else if (!DESTINATION.matcher(arn).matches()) {
            v.fail(arn, member, Validation.patternConstraint(DESTINATION_PATTERN));
        }
    }

    /**
     * Hearth delivers to functions on this node and, when the node has an SQS endpoint, to SQS queues;
     * other destinations are refused up front rather than dropped when the first record is due.
     */
    private void destinationKind(String arn) {
        if (arn.isEmpty() || LAMBDA_ARN.matcher(arn).matches()) {
            return;
        }
        if (SQS_ARN.matcher(arn).matches()) {
            if (!sqsConfigured) {
                throw LambdaException.invalidParameter("The destination ARN " + arn + " is an SQS queue, and this"
                        + " Hearth node has no SQS endpoint to send to: start it with --sqs-endpoint.");
            }
            return;
        }
        throw LambdaException.invalidParameter("The destination ARN " + arn + " is not supported: Hearth sends"
                + " asynchronous invocation records to Lambda functions and SQS queues only.");
    }

    private static Optional<String> merged(Optional<String> sent, Optional<String> old) {
        return sent.isPresent() ? sent.filter(d -> !d.isEmpty()) : old;
    }

    private static String key(Qualified target) {
        return target.qualifier().filter(q -> !q.isEmpty()).orElse(FunctionVersion.LATEST);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static EventInvokeConfigStore.Row row(EventInvokeConfig c) {
        return new EventInvokeConfigStore.Row(c.functionName(), c.qualifier(), c.maximumRetryAttempts(),
                c.maximumEventAgeInSeconds(), c.onSuccess(), c.onFailure(), c.lastModified().toEpochMilli());
    }

    private static EventInvokeConfig config(EventInvokeConfigStore.Row r) {
        return new EventInvokeConfig(r.functionName(), r.qualifier(), r.maximumRetryAttempts(),
                r.maximumEventAgeInSeconds(), r.onSuccess(), r.onFailure(), Instant.ofEpochMilli(r.lastModifiedMillis()));
    }
}
