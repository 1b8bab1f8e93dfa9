package dev.hearth.environment;

/**
 * A Runtime API handler for endpoint tests: every result, error and init error is accepted; what a
 * {@code /next} does is the test's.
 */
abstract class AcceptingHandler implements RuntimeApiServer.Handler {

    @Override
    public RuntimeApiServer.Reply response(String id, RuntimeApiServer.Body body, String type, String mode) {
        return RuntimeApiServer.Reply.ACCEPTED;
    }

    @Override
    public RuntimeApiServer.Reply error(String id, String type, RuntimeApiServer.Body body, String contentType) {
        return RuntimeApiServer.Reply.ACCEPTED;
    }

    @Override
    public RuntimeApiServer.Reply initError(String type, RuntimeApiServer.Body body, String contentType) {
        return RuntimeApiServer.Reply.ACCEPTED;
    }
}
