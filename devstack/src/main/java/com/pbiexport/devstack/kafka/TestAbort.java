package com.pbiexport.devstack.kafka;

/**
 * Builds JUnit's "skip this test" exception without making devstack's main code depend on JUnit: when
 * opentest4j is on the classpath (any JUnit 5 test run) the fixture aborts the test; elsewhere the same
 * message surfaces as an {@link IllegalStateException}.
 */
final class TestAbort {

    static final String ABORTED_EXCEPTION = "org.opentest4j.TestAbortedException";

    private TestAbort() {
    }

    static RuntimeException abort(String message) {
        try {
            Class<?> type = Class.forName(ABORTED_EXCEPTION, true, TestAbort.class.getClassLoader());
            return (RuntimeException) type.getConstructor(String.class).newInstance(message);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return new IllegalStateException(message);
        }
    }
}
