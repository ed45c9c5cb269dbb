using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Uploader.S3;

[TestClass]
public sealed class OutageGuardTests
{
    private const string Bucket = "backup-bucket";
    private const string CredentialChain =
        "they come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, instance role)";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TimerLog _clock;
    private int _calls;

    public OutageGuardTests() => _clock = new TimerLog(_time);

    [TestMethod]
    public async Task RunAsync_Succeeds_ReturnsTheResultWithNoRetries()
    {
        (string result, int retries) = await Guard(TimeSpan.FromHours(1))
            .RunAsync("manifest", FailingTimes(0), CancellationToken.None);

        Assert.AreEqual("done", result);
        Assert.AreEqual(0, retries);
        Assert.IsEmpty(_clock.Waits);
    }

    [TestMethod]
    [DataRow("HttpRequestException")]
    [DataRow("SocketException")]
    [DataRow("IOException")]
    [DataRow("TimeoutException")]
    [DataRow("HttpClient timeout", DisplayName = "TaskCanceledException while our token is not cancelled")]
    [DataRow("503 ServiceUnavailable")]
    [DataRow("503 SlowDown")]
    [DataRow("500 InternalError")]
    [DataRow("429")]
    [DataRow("400 RequestTimeout", DisplayName = "S3's idle-connection timeout comes as 400 with code RequestTimeout")]
    [DataRow("network error inside an SDK exception")]
    public async Task RunAsync_TransientFailures_RetriedAndResultReturnedWithRetryCount(string failure)
    {
        (string result, int retries) = await _clock.Drive(
            Guard(TimeSpan.FromHours(1)).RunAsync("manifest", FailingTimes(2, failure), CancellationToken.None)
        );

        Assert.AreEqual("done", result);
        Assert.AreEqual(2, retries);
        Assert.AreEqual(3, _calls);
        CollectionAssert.AreEqual(Seconds(1, 2), _clock.Waits.ToArray());
    }

    [TestMethod]
    public async Task RunAsync_LongOutage_BackoffDoublesFromOneSecondToAtMostSixty()
    {
        (string _, int retries) = await _clock.Drive(
            Guard(TimeSpan.FromHours(1)).RunAsync("manifest", FailingTimes(10), CancellationToken.None)
        );

        Assert.AreEqual(10, retries);
        CollectionAssert.AreEqual(Seconds(1, 2, 4, 8, 16, 32, 60, 60, 60, 60), _clock.Waits.ToArray());
    }

    [TestMethod]
    public async Task RunAsync_NothingSucceedsForGiveUpAfter_ThrowsTryAgainLater()
    {
        OutageGuard guard = Guard(TimeSpan.FromMinutes(5));

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            _clock.Drive(
                guard.RunAsync(
                    "chunk data/chunk-000001",
                    FailingTimes(int.MaxValue, "network error inside an SDK exception"),
                    CancellationToken.None
                )
            )
        );

        Assert.AreEqual(FailureKind.TryAgainLater, failure.Kind);
        Assert.StartsWith("S3 unreachable for", failure.Message);
        // 1+2+4+8+16+32+60+60+60+60 = 303 s of waiting: the failure after the tenth wait is the first past 5 minutes.
        Assert.AreEqual(
            "S3 unreachable for 303s (chunk data/chunk-000001: connection reset by peer); gave up after give_up_after = 5m, the spool is intact for the next run",
            failure.Message
        );
        Assert.AreEqual(11, _calls);
        CollectionAssert.AreEqual(Seconds(1, 2, 4, 8, 16, 32, 60, 60, 60, 60), _clock.Waits.ToArray());
    }

    [TestMethod]
    public async Task RunAsync_GiveUpAfterZero_GivesUpAtTheFirstFailure()
    {
        OutageGuard guard = Guard(TimeSpan.Zero);

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            guard.RunAsync("manifest", FailingTimes(1), CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.TryAgainLater, failure.Kind);
        Assert.StartsWith("S3 unreachable for 0s (manifest: connection refused)", failure.Message);
        Assert.AreEqual(1, _calls);
        Assert.IsEmpty(_clock.Waits);
    }

    [TestMethod]
    public async Task RunAsync_SuccessInBetween_RestartsTheOutageClock()
    {
        OutageGuard guard = Guard(TimeSpan.FromSeconds(10));
        (string _, int retries) = await _clock.Drive(
            guard.RunAsync("manifest", FailingTimes(3), CancellationToken.None)
        );
        Assert.AreEqual(3, retries);
        _calls = 0;

        // The first run succeeded 7 s in; down since then: 0, 1, 3, 7, then 15 s, the first at least 10 s.
        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            _clock.Drive(guard.RunAsync("pointer", FailingTimes(int.MaxValue), CancellationToken.None))
        );

        Assert.StartsWith("S3 unreachable for 15s (pointer: connection refused)", failure.Message);
        Assert.AreEqual(5, _calls);
        CollectionAssert.AreEqual(Seconds(1, 2, 4, 1, 2, 4, 8), _clock.Waits.ToArray());
    }

    [TestMethod]
    [DataRow(true, DisplayName = "a 2 h chunk upload fails near its end")]
    [DataRow(false, DisplayName = "the first request after 2 h idle fails")]
    public async Task RunAsync_FirstFailureAfterLongerThanGiveUpAfterWithoutOutage_IsRetried(bool insideTheOperation)
    {
        // The outage starts at the first failure, not at the last finished operation.
        OutageGuard guard = Guard(TimeSpan.FromHours(1));
        if (!insideTheOperation)
        {
            _time.Advance(TimeSpan.FromHours(2));
        }

        (string result, int retries) = await _clock.Drive(
            guard.RunAsync(
                "chunk data/chunk-000001",
                _ =>
                {
                    if (++_calls == 1)
                    {
                        if (insideTheOperation)
                        {
                            _time.Advance(TimeSpan.FromHours(2));
                        }

                        throw Failure("HttpRequestException");
                    }

                    return Task.FromResult("done");
                },
                CancellationToken.None
            )
        );

        Assert.AreEqual("done", result);
        Assert.AreEqual(1, retries);
    }

    [TestMethod]
    public async Task RunAsync_AnswersInsideALongOperation_KeepTheOutageClockAtItsFailures()
    {
        // Parts of a long upload succeed (the SDK tells the clock) while the whole upload is retried.
        var clock = new OutageClock(_clock);
        var guard = new OutageGuard(TimeSpan.FromMinutes(1), Bucket, clock, NullLogger.Instance);

        (string result, int retries) = await _clock.Drive(
            guard.RunAsync(
                "chunk data/chunk-000001",
                _ =>
                {
                    _time.Advance(TimeSpan.FromSeconds(50));
                    if (++_calls <= 3)
                    {
                        clock.Answered();
                        throw Failure("HttpRequestException");
                    }

                    return Task.FromResult("done");
                },
                CancellationToken.None
            )
        );

        Assert.AreEqual("done", result);
        Assert.AreEqual(3, retries, "150 s of attempts, each answered before it failed, is no outage of 1 min");
    }

    [TestMethod]
    [DataRow(
        "AccessDenied",
        HttpStatusCode.Forbidden,
        "manifest: S3 denied access (403 AccessDenied: Access Denied) in bucket backup-bucket: the credentials lack a permission (docs/iam-policy.json lists what the uploader needs)"
    )]
    [DataRow(
        "NoSuchBucket",
        HttpStatusCode.NotFound,
        "configuration: [s3] bucket: bucket backup-bucket does not exist"
    )]
    [DataRow(
        "InvalidAccessKeyId",
        HttpStatusCode.Forbidden,
        $"S3 rejected the credentials (InvalidAccessKeyId): {CredentialChain}"
    )]
    [DataRow(
        "SignatureDoesNotMatch",
        HttpStatusCode.Forbidden,
        $"S3 rejected the credentials (SignatureDoesNotMatch): {CredentialChain}"
    )]
    public async Task RunAsync_PermanentS3Error_ThrowsConfigAtOnceWithoutRetry(
        string errorCode,
        HttpStatusCode status,
        string expected
    )
    {
        OutageGuard guard = Guard(TimeSpan.FromHours(1));

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            guard.RunAsync<string>(
                "manifest",
                _ =>
                {
                    _calls++;
                    throw S3Error(status, errorCode, "Access Denied");
                },
                CancellationToken.None
            )
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        Assert.AreEqual(expected, failure.Message);
        Assert.AreEqual(1, _calls);
        Assert.IsEmpty(_clock.Waits);
    }

    [TestMethod]
    public async Task RunAsync_PermanentS3ErrorWrappedOnce_ThrowsConfigAtOnce()
    {
        // TransferUtility and the SDK's handlers may wrap the service's answer in another exception.
        OutageGuard guard = Guard(TimeSpan.FromHours(1));

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            guard.RunAsync<string>(
                "chunk data/chunk-000001",
                _ =>
                {
                    _calls++;
                    throw new AmazonClientException(
                        "upload failed",
                        S3Error(HttpStatusCode.NotFound, "NoSuchBucket", "The specified bucket does not exist")
                    );
                },
                CancellationToken.None
            )
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        Assert.AreEqual("configuration: [s3] bucket: bucket backup-bucket does not exist", failure.Message);
        Assert.AreEqual(1, _calls);
    }

    [TestMethod]
    [DataRow("404 NoSuchKey", "get k: S3 answered 404 NoSuchKey: error")]
    [DataRow("501 NotImplemented", "get k: S3 answered 501 NotImplemented: error")]
    public async Task RunAsync_S3RefusesOtherwise_ThrowsUnavailableWithS3sWordsWithoutRetry(
        string failure,
        string expected
    )
    {
        OutageGuard guard = Guard(TimeSpan.FromHours(1));

        BackupFailure caught = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            guard.RunAsync<string>(
                "get k",
                _ =>
                {
                    _calls++;
                    throw Failure(failure);
                },
                CancellationToken.None
            )
        );

        Assert.AreEqual(FailureKind.Unavailable, caught.Kind);
        Assert.AreEqual(expected, caught.Message);
        Assert.AreEqual(1, _calls);
        Assert.IsEmpty(_clock.Waits);
    }

    [TestMethod]
    public async Task RunAsync_NotAnS3Failure_PropagatesUnchangedWithoutRetry()
    {
        Exception thrown = Failure("bug");
        OutageGuard guard = Guard(TimeSpan.FromHours(1));

        Exception caught = await Assert.ThrowsAsync<Exception>(() =>
            guard.RunAsync<string>(
                "manifest",
                _ =>
                {
                    _calls++;
                    throw thrown;
                },
                CancellationToken.None
            )
        );

        Assert.AreSame(thrown, caught);
        Assert.AreEqual(1, _calls);
        Assert.IsEmpty(_clock.Waits);
    }

    [TestMethod]
    public async Task RunAsync_TokenCancelled_OperationCanceledExceptionPropagatesWithoutRetry()
    {
        using var stop = new CancellationTokenSource();
        OutageGuard guard = Guard(TimeSpan.FromHours(1));

        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() =>
            guard.RunAsync<string>(
                "manifest",
                ct =>
                {
                    _calls++;
                    stop.Cancel();
                    ct.ThrowIfCancellationRequested();
                    return Task.FromResult("done");
                },
                stop.Token
            )
        );

        Assert.AreEqual(1, _calls);
        Assert.IsEmpty(_clock.Waits);
    }

    [TestMethod]
    public async Task RunAsync_TransientFailureAfterTheTokenIsCancelled_PropagatesWithoutRetry()
    {
        // A stop request tears down the connections: the network error it causes is not an outage to wait out.
        using var stop = new CancellationTokenSource();
        OutageGuard guard = Guard(TimeSpan.FromHours(1));

        await Assert.ThrowsExactlyAsync<HttpRequestException>(() =>
            guard.RunAsync<string>(
                "manifest",
                _ =>
                {
                    _calls++;
                    stop.Cancel();
                    throw Failure("HttpRequestException");
                },
                stop.Token
            )
        );

        Assert.AreEqual(1, _calls);
        Assert.IsEmpty(_clock.Waits);
    }

    private static TimeSpan[] Seconds(params int[] seconds) => [.. seconds.Select(s => TimeSpan.FromSeconds(s))];

    private static AmazonS3Exception S3Error(HttpStatusCode status, string errorCode, string message = "error") =>
        new(message) { StatusCode = status, ErrorCode = errorCode };

    private static Exception Failure(string kind) =>
        kind switch
        {
            "HttpRequestException" => new HttpRequestException("connection refused"),
            "SocketException" => new SocketException((int)SocketError.ConnectionReset),
            "IOException" => new IOException("unexpected end of stream"),
            "TimeoutException" => new TimeoutException("timed out"),
            "HttpClient timeout" => new TaskCanceledException(
                "the request was canceled due to the configured HttpClient.Timeout"
            ),
            "503 ServiceUnavailable" => S3Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"),
            "503 SlowDown" => S3Error(HttpStatusCode.ServiceUnavailable, "SlowDown"),
            "500 InternalError" => S3Error(HttpStatusCode.InternalServerError, "InternalError"),
            "429" => S3Error(HttpStatusCode.TooManyRequests, "TooManyRequests"),
            "400 RequestTimeout" => S3Error(HttpStatusCode.BadRequest, "RequestTimeout"),
            "network error inside an SDK exception" => new AmazonClientException(
                "request failed",
                new HttpRequestException("outer", new IOException("connection reset by peer"))
            ),
            "404 NoSuchKey" => S3Error(HttpStatusCode.NotFound, "NoSuchKey"),
            "501 NotImplemented" => S3Error(HttpStatusCode.NotImplemented, "NotImplemented"),
            "bug" => new InvalidOperationException("a bug, not an outage"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

    private OutageGuard Guard(TimeSpan giveUpAfter) =>
        new(giveUpAfter, Bucket, new OutageClock(_clock), NullLogger.Instance);

    /// <summary>An operation that fails the given number of times with the given failure, then returns
    /// "done".</summary>
    private Func<CancellationToken, Task<string>> FailingTimes(int failures, string failure = "HttpRequestException") =>
        _ => ++_calls <= failures ? throw Failure(failure) : Task.FromResult("done");
}
