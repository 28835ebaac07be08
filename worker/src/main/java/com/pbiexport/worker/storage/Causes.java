package com.pbiexport.worker.storage;

/** Reading an SDK's wrapped exceptions: the remote sinks classify by what lies underneath. */
final class Causes {

    private Causes() {
    }

    /** The first throwable of {@code type} in the cause chain of {@code e} (itself included), or null. */
    static <T extends Throwable> T ofType(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** The innermost cause as {@code SimpleName: message}, for messages that say what really failed. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
