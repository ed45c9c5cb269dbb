using System.Diagnostics;
using System.Text;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Uploader.Notify;

/// <summary>
/// Tells [notify] url and command how a run went. Best effort by design: every problem (unreachable, an HTTP error, a
/// command that fails, no answer within <see cref="Timeout"/>) is one warning line, never an exception, because a
/// backup that worked must not be reported as failed, nor a failed one lose its exit code, for want of a messenger.
/// The run's cancellation is not taken: a run stopped by SIGTERM is still reported, within the timeout.
/// </summary>
internal sealed class Notifier(NotifyOptions options, ILogger logger) : IDisposable
{
    /// <summary>How long one notifier may take: a monitoring service that hangs must not hold the run's end.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    /// <summary>Pings URL/start; the command hears only how runs end (a mail per start would be noise).</summary>
    public Task StartedAsync(string summary) => PingAsync(NotifyEvent.Start, summary);

    /// <summary>Pings URL (success) or URL/fail, then runs the command, each with the summary.</summary>
    public async Task EndedAsync(bool success, string summary)
    {
        NotifyEvent notifyEvent = success ? NotifyEvent.Success : NotifyEvent.Fail;
        await PingAsync(notifyEvent, summary);
        await RunCommandAsync(notifyEvent, summary);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The address healthchecks.io expects for the event.</summary>
    public static string PingUrl(string url, NotifyEvent notifyEvent) =>
        notifyEvent switch
        {
            NotifyEvent.Start => $"{url}/start",
            NotifyEvent.Fail => $"{url}/fail",
            _ => url,
        };

    private async Task PingAsync(NotifyEvent notifyEvent, string summary)
    {
        if (options.Url.Length == 0)
        {
            return;
        }

        // The host alone is logged: a ping URL's path is its secret (whoever knows it can report for this host).
        string target = new Uri(options.Url).Host;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            using var body = new StringContent(summary, Encoding.UTF8, "text/plain");
            using HttpResponseMessage response = await _http.PostAsync(
                PingUrl(options.Url, notifyEvent),
                body,
                timeout.Token
            );
            if (!response.IsSuccessStatusCode)
            {
                Log.NotifyFailed(
                    logger,
                    target,
                    notifyEvent,
                    $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"
                );
            }
        }
        catch (OperationCanceledException)
        {
            Log.NotifyFailed(logger, target, notifyEvent, $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e)
        {
            Log.NotifyFailed(logger, target, notifyEvent, e.Message);
        }
    }

    private async Task RunCommandAsync(NotifyEvent notifyEvent, string summary)
    {
        if (options.Command.Length == 0)
        {
            return;
        }

        const string Target = "[notify] command";
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(options.Command);
        info.Environment["BTRFS_TO_S3_EVENT"] = notifyEvent.ToString().ToLowerInvariant();
        ChildEnvironment.RemoveAws(info);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using Process process = Process.Start(info)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            Task<string> error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.StandardInput.WriteLineAsync(summary.AsMemory(), timeout.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // A command that does not read its input (it exited first) is not a failure of it.
            }

            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Log.NotifyFailed(
                    logger,
                    Target,
                    notifyEvent,
                    $"did not end within {Timeout.TotalSeconds:0} s and was killed"
                );
                return;
            }

            await output;
            string said = (await error).Trim().Split('\n')[^1];
            if (process.ExitCode != 0)
            {
                Log.NotifyFailed(
                    logger,
                    Target,
                    notifyEvent,
                    $"exited {process.ExitCode}{(said.Length > 0 ? $": {said}" : string.Empty)}"
                );
            }
        }
        catch (Exception e)
        {
            Log.NotifyFailed(logger, Target, notifyEvent, e.Message);
        }
    }
}
