package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.core.Arns;
import dev.hearth.core.LambdaException;
import dev.hearth.logs.EventsPage;
import dev.hearth.logs.EventsQuery;
import dev.hearth.logs.FilterPattern;
import dev.hearth.logs.FilterQuery;
import dev.hearth.logs.FilteredEvent;
import dev.hearth.logs.FilteredPage;
import dev.hearth.logs.LogEvent;
import dev.hearth.logs.LogGroupInfo;
import dev.hearth.logs.LogGroups;
import dev.hearth.logs.LogStoreException;
import dev.hearth.logs.LogStreamInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The CloudWatch Logs JSON 1.1 API on the node's endpoint: {@code POST /} with
 * {@code X-Amz-Target: Logs_20140328.<Operation>}, dispatched by that header through its own table of
 * operations, answered with {@code application/x-amz-json-1.1} bodies and JSON 1.1 errors
 * ({@link LogsError}). Pagination tokens are opaque to clients and need no state here.
 *
 * <p>Threading: the one route is blocking (every operation reads files), so it runs on virtual threads.
 */
public final class LogsRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(LogsRoutes.class);
    private static final String TARGET_PREFIX = "Logs_20140328.";
    private static final long REQUEST_LIMIT = 1024 * 1024;
    private static final int DESCRIBE_LIMIT = 50;

    private final LogGroups groups;
    private final Arns arns;
    private final Map<String, Function<LogsRequest, JsonNode>> operations;

    public LogsRoutes(LogGroups groups, Arns arns) {
        this.groups = groups;
        this.arns = arns;
        this.operations = Map.of(
                "DescribeLogGroups", this::describeLogGroups,
                "DescribeLogStreams", this::describeLogStreams,
                "GetLogEvents", this::getLogEvents,
                "FilterLogEvents", this::filterLogEvents,
                "CreateLogGroup", this::createLogGroup,
                "DeleteLogGroup", this::deleteLogGroup,
                "PutRetentionPolicy", this::putRetentionPolicy,
                "DeleteRetentionPolicy", this::deleteRetentionPolicy);
    }

    public RouteTable table() {
        return new RouteTable(List.of(new Route("POST", "/", "CloudWatchLogs", REQUEST_LIMIT, true, this::handle)));
    }

    private ApiResponse handle(ApiRequest request) {
        try {
            String target = request.header("x-amz-target").orElse("");
            Function<LogsRequest, JsonNode> operation = target.startsWith(TARGET_PREFIX)
                    ? operations.get(target.substring(TARGET_PREFIX.length())) : null;
            if (operation == null) {
                throw new LogsError("UnknownOperationException", target.isEmpty()
                        ? "Missing X-Amz-Target header: no operation named."
                        : "Unknown operation " + target + ".");
            }
            JsonNode result = operation.apply(new LogsRequest(parse(request.body()), arns));
            return new ApiResponse(200, Map.of(), Json.write(result), LogsError.CONTENT_TYPE);
        } catch (LogsError e) {
            return e.response();
        } catch (LogStoreException e) {
            return new LogsError(switch (e.kind()) {
                case GROUP_NOT_FOUND, STREAM_NOT_FOUND -> "ResourceNotFoundException";
                case ALREADY_EXISTS -> "ResourceAlreadyExistsException";
                case INVALID_PARAMETER -> "InvalidParameterException";
            }, e.getMessage()).response();
        } catch (RuntimeException e) {
            LOG.error("CloudWatch Logs request {} failed unexpectedly", request.requestId(), e);
            return new LogsError("ServiceUnavailableException", 500,
                    "The service cannot complete the request (request id " + request.requestId() + ").").response();
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.parseObject(body);
        } catch (LambdaException e) {
            throw new LogsError("SerializationException", e.getMessage());
        }
    }

    private JsonNode describeLogGroups(LogsRequest in) {
        Optional<String> prefix = in.string("logGroupNamePrefix");
        Optional<String> pattern = in.string("logGroupNamePattern");
        if (prefix.isPresent() && pattern.isPresent()) {
            throw LogsError.invalidParameter(
                    "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }
        int limit = in.intInRange("limit", 1, DESCRIBE_LIMIT, DESCRIBE_LIMIT);
        Optional<String> after = in.string("nextToken").map(LogsRoutes::decodeNameToken);
        String needle = pattern.map(p -> p.toLowerCase(Locale.ROOT)).orElse("");
        List<LogGroupInfo> matching = groups.groups().stream()
                .filter(g -> prefix.map(g.name()::startsWith).orElse(true))
                .filter(g -> g.name().toLowerCase(Locale.ROOT).contains(needle))
                .filter(g -> after.map(a -> g.name().compareTo(a) > 0).orElse(true))
                .toList();
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("logGroups");
        matching.stream().limit(limit).forEach(g -> list.add(groupJson(g)));
        if (matching.size() > limit) {
            out.put("nextToken", nameToken(matching.get(limit - 1).name()));
        }
        return out;
    }

    private ObjectNode groupJson(LogGroupInfo g) {
        ObjectNode node = Json.object();
        String arn = "arn:aws:logs:" + arns.region() + ":" + arns.accountId() + ":log-group:" + g.name();
        node.put("logGroupName", g.name());
        node.put("creationTime", g.creationTime());
        g.retentionInDays().ifPresent(days -> node.put("retentionInDays", days));
        node.put("metricFilterCount", 0);
        node.put("arn", arn + ":*");
        node.put("storedBytes", g.storedBytes());
        node.put("logGroupClass", "STANDARD");
        node.put("logGroupArn", arn);
        return node;
    }

    private JsonNode describeLogStreams(LogsRequest in) {
        String group = in.group();
        String orderBy = in.string("orderBy").orElse("LogStreamName");
        if (!orderBy.equals("LogStreamName") && !orderBy.equals("LastEventTime")) {
            throw LogsError.validation("orderBy", orderBy,
                    "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
        }
        Optional<String> prefix = in.string("logStreamNamePrefix");
        if (prefix.isPresent() && orderBy.equals("LastEventTime")) {
            throw LogsError.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        boolean descending = in.bool("descending");
        int limit = in.intInRange("limit", 1, DESCRIBE_LIMIT, DESCRIBE_LIMIT);
        int offset = in.string("nextToken").map(LogsRoutes::decodeOffsetToken).orElse(0);
        Comparator<LogStreamInfo> order = orderBy.equals("LogStreamName")
                ? Comparator.comparing(LogStreamInfo::name)
                : Comparator.<LogStreamInfo>comparingLong(s -> s.lastEventTimestamp().orElse(0L))
                        .thenComparing(LogStreamInfo::name);
        List<LogStreamInfo> streams = groups.streams(group).stream()
                .filter(s -> prefix.map(s.name()::startsWith).orElse(true))
                .sorted(descending ? order.reversed() : order)
                .toList();
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("logStreams");
        streams.stream().skip(offset).limit(limit).forEach(s -> list.add(streamJson(group, s)));
        if (streams.size() > offset + limit) {
            out.put("nextToken", offsetToken(offset + limit));
        }
        return out;
    }

    private ObjectNode streamJson(String group, LogStreamInfo s) {
        ObjectNode node = Json.object();
        node.put("logStreamName", s.name());
        node.put("creationTime", s.creationTime());
        s.firstEventTimestamp().ifPresent(t -> node.put("firstEventTimestamp", t));
        s.lastEventTimestamp().ifPresent(t -> node.put("lastEventTimestamp", t));
        node.put("lastIngestionTime", s.lastIngestionTime());
        // Ignored by PutLogEvents nowadays; AWS still reports a long decimal string.
        node.put("uploadSequenceToken", String.format("%056d", s.storedBytes()));
        node.put("arn", "arn:aws:logs:" + arns.region() + ":" + arns.accountId() + ":log-group:" + group
                + ":log-stream:" + s.name());
        node.put("storedBytes", 0); // as AWS, which stopped reporting stream sizes in 2019
        return node;
    }

    private JsonNode getLogEvents(LogsRequest in) {
        String stream = in.streamName("logStreamName");
        String group = in.group();
        EventsQuery query = new EventsQuery(in.longValue("startTime"), in.longValue("endTime"),
                in.bool("startFromHead"), in.intInRange("limit", 1, EventsQuery.MAX_LIMIT, EventsQuery.MAX_LIMIT),
                in.string("nextToken"));
        EventsPage page = groups.events(group, stream, query);
        ObjectNode out = Json.object();
        ArrayNode events = out.putArray("events");
        for (LogEvent e : page.events()) {
            events.addObject().put("timestamp", e.timestampMillis()).put("message", e.message())
                    .put("ingestionTime", e.timestampMillis());
        }
        out.put("nextForwardToken", page.nextForwardToken());
        out.put("nextBackwardToken", page.nextBackwardToken());
        return out;
    }

    private JsonNode filterLogEvents(LogsRequest in) {
        String group = in.group();
        List<String> names = in.streamNames("logStreamNames");
        Optional<String> prefix = in.string("logStreamNamePrefix");
        if (!names.isEmpty() && prefix.isPresent()) {
            throw LogsError.invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive.");
        }
        if (names.size() > 100) {
            throw LogsError.validation("logStreamNames", names, "Member must have length less than or equal to 100");
        }
        FilterQuery query = new FilterQuery(names, prefix, in.longValue("startTime"), in.longValue("endTime"),
                in.string("filterPattern").map(FilterPattern::parse).orElse(FilterPattern.all()),
                in.intInRange("limit", 1, EventsQuery.MAX_LIMIT, EventsQuery.MAX_LIMIT), in.string("nextToken"));
        FilteredPage page = groups.filter(group, query);
        ObjectNode out = Json.object();
        ArrayNode events = out.putArray("events");
        for (FilteredEvent e : page.events()) {
            events.addObject().put("logStreamName", e.logStreamName()).put("timestamp", e.timestamp())
                    .put("message", e.message()).put("ingestionTime", e.timestamp()).put("eventId", e.eventId());
        }
        ArrayNode searched = out.putArray("searchedLogStreams");
        page.searchedStreams().forEach(s -> searched.addObject().put("logStreamName", s)
                .put("searchedCompletely", page.nextToken().isEmpty()));
        page.nextToken().ifPresent(t -> out.put("nextToken", t));
        return out;
    }

    private JsonNode createLogGroup(LogsRequest in) {
        groups.createGroup(in.groupName("logGroupName"));
        return Json.object();
    }

    private JsonNode deleteLogGroup(LogsRequest in) {
        groups.deleteGroup(in.groupName("logGroupName"));
        return Json.object();
    }

    private JsonNode putRetentionPolicy(LogsRequest in) {
        String group = in.groupName("logGroupName");
        long days = in.longValue("retentionInDays")
                .orElseThrow(() -> LogsError.validation("retentionInDays", null, "Member must not be null"));
        if (days > Integer.MAX_VALUE || !LogGroups.RETENTION_DAYS.contains((int) days)) {
            throw LogsError.validation("retentionInDays", days, "Member must satisfy enum value set: "
                    + LogGroups.RETENTION_DAYS.stream().sorted().toList());
        }
        groups.putRetention(group, (int) days);
        return Json.object();
    }

    private JsonNode deleteRetentionPolicy(LogsRequest in) {
        groups.deleteRetention(in.groupName("logGroupName"));
        return Json.object();
    }

    private static String nameToken(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("g/" + name).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeNameToken(String token) {
        return decode(token).filter(s -> s.startsWith("g/")).map(s -> s.substring(2)).orElseThrow(LogsRoutes::badToken);
    }

    private static String offsetToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s/" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeOffsetToken(String token) {
        return decode(token).filter(s -> s.matches("s/[0-9]{1,9}")).map(s -> Integer.parseInt(s.substring(2)))
                .orElseThrow(LogsRoutes::badToken);
    }

    private static Optional<String> decode(String token) {
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static LogsError badToken() {
        return LogsError.invalidParameter("The specified nextToken is invalid.");
    }
}
