package com.pbiexport.worker.storage;

import java.io.IOException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Classifies what the S3 client threw, once, at the sink's boundary: retryable
 * ({@link StorageException.Kind#UNAVAILABLE}) or not ({@link StorageException.Kind#REJECTED}), with the service's
 * status and error code and a message that names the fix. Never quotes a credential.
 */
final class S3Failures {

    private S3Failures() {
    }

    /**
     * @param where      what was being written or checked, e.g. {@code s3 bucket/key}
     * @param bucket     the bucket (for the messages that must name it)
     * @param encryption the requested server-side encryption (KMS failures name its key)
     */
    static StorageException map(SdkException e, String where, String bucket, S3Sink.Encryption encryption) {
        if (e instanceof AwsServiceException service && service.statusCode() > 0) {
            return serviceFailure(service, where, bucket, encryption);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, "The S3 service did not answer in time"
                    + " for " + where + "; retry later, or check the endpoint's reachability", e);
        }
        if (Causes.ofType(e, SSLHandshakeException.class) != null) {
            return new StorageException(StorageException.Kind.REJECTED, "TLS to the S3 endpoint failed for " + where
                    + " (" + Causes.rootMessage(e) + "); the worker verifies certificates: add the endpoint's CA to the"
                    + " JVM trust store, or fix the endpoint setting", e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unable to load credentials")) {
            return new StorageException(StorageException.Kind.REJECTED, "No AWS credentials for " + where
                    + ": set the sink's accessKeyIdEnv and secretAccessKeyEnv, or give the worker web identity"
                    + " (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, e.g. EKS IRSA) or an instance/container role",
                    e);
        }
        if (Causes.ofType(e, IOException.class) != null) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, "Could not reach the S3 endpoint for "
                    + where + ": " + Causes.rootMessage(e) + "; retry later, or check the endpoint, the network and the proxy",
                    e);
        }
        return new StorageException(StorageException.Kind.UNAVAILABLE, "Upload to " + where + " failed: "
                + Causes.rootMessage(e), e);
    }

    private static StorageException serviceFailure(AwsServiceException e, String where, String bucket,
                                                   S3Sink.Encryption encryption) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String answered = "S3 answered HTTP " + status + (code == null ? "" : " " + code) + " for " + where;
        String fix = fix(status, code, bucket, encryption, e);
        if (fix == null) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, answered + "; retry later", status, code,
                    e);
        }
        return new StorageException(StorageException.Kind.REJECTED, answered + "; " + fix, status, code, e);
    }

    /** The remediation of a permanent answer, or null when the answer is worth retrying. */
    private static String fix(int status, String code, String bucket, S3Sink.Encryption encryption,
                              AwsServiceException e) {
        String c = code == null ? "" : code;
        if (status >= 500 || status == 408 || status == 429 || c.equals("SlowDown") || c.equals("RequestTimeout")
                || c.equals("InternalError") || c.equals("ServiceUnavailable")) {
            return null;
        }
        if (c.equals("NoSuchBucket") || (status == 404 && c.isEmpty()) || (status == 404 && c.equals("404"))) {
            return "bucket '" + bucket + "' does not exist there: create it, or fix the sink's bucket (and endpoint"
                    + " or region)";
        }
        if (c.equals("InvalidAccessKeyId")) {
            return "the access key id is unknown to the service: check the variable named by the sink's"
                    + " accessKeyIdEnv (and that the endpoint is the right one)";
        }
        if (c.equals("SignatureDoesNotMatch")) {
            return "the secret access key does not match the key id: check the variable named by the sink's"
                    + " secretAccessKeyEnv";
        }
        if (c.equals("ExpiredToken") || c.equals("InvalidToken") || c.equals("TokenRefreshRequired")) {
            return "the session credentials expired or are invalid: renew the session token (sessionTokenEnv), or"
                    + " use web identity or an instance role, whose credentials the worker refreshes";
        }
        if (status == 301 || c.equals("PermanentRedirect") || c.equals("AuthorizationHeaderMalformed")
                || c.equals("IllegalLocationConstraintException")) {
            Optional<String> region = e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
                    ? Optional.empty()
                    : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
            return "the bucket is in another region: set the sink's region"
                    + region.map(r -> " to " + r).orElse(" to the bucket's region");
        }
        if (c.startsWith("KMS.") || c.equals("KMSAccessDenied")) {
            return "server-side encryption with KMS key " + encryption.kmsKeyId().orElse("(the account default)")
                    + " failed: check the sink's kmsKeyId and allow kms:GenerateDataKey and kms:Decrypt to the"
                    + " worker's identity";
        }
        if (status == 403 || c.equals("AccessDenied") || c.equals("AllAccessDisabled")) {
            return "the credentials may not write there: allow s3:PutObject, s3:AbortMultipartUpload and"
                    + " s3:ListBucket (the readiness check's HeadBucket) on bucket '" + bucket + "'"
                    + (encryption.kmsKeyId().isPresent() || "aws:kms".equals(encryption.text())
                    ? ", and kms:GenerateDataKey on the KMS key" : "")
                    + " to the worker's identity";
        }
        if (status == 401) {
            return "the service refused the credentials: check the sink's accessKeyIdEnv and secretAccessKeyEnv";
        }
        if (c.equals("InvalidBucketName")) {
            return "fix the sink's bucket name";
        }
        if (c.equals("EntityTooLarge") || c.equals("EntityTooSmall") || c.equals("InvalidPart")
                || c.equals("InvalidPartOrder")) {
            return "the service refused the upload's parts: check the sink's partSize against the service's limits";
        }
        return "see the service's error code";
    }
}
