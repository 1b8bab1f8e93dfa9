package dev.hearth.boot;

/** The one banner {@code hearth serve} prints once it listens: where it is and how to use it. */
final class Banner {
    private Banner() {
    }

    static String text(Node node, String version) {
        String endpoint = node.endpoint().toString();
        return """
                Hearth %s listening on %s (region %s, account %s, data %s)
                  Try it (any credentials work):
                    export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=%s
                    aws --endpoint-url %s lambda list-functions
                  Stop with Ctrl-C.""".formatted(version, endpoint, node.config().region(),
                node.config().accountId(), node.config().dataDir(), node.config().region(), endpoint);
    }
}
