namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Whom a backup run tells how it ended (README, "Monitoring"). Both are best effort: a notifier that fails is one
/// warning in the log and never changes the backup's outcome, since a backup must not fail because its messenger did.
/// </summary>
/// <param name="Url"> [notify] url: empty for none, else an http:// or https:// address pinged as healthchecks.io
/// expects: <c>URL/start</c> when a run starts, <c>URL</c> when it succeeded, <c>URL/fail</c> when it failed, each a
/// POST of the summary.
/// </param>
/// <param name="Command"> [notify] command: empty for none, else a shell command (<c>/bin/sh -c</c>) given the summary
/// on standard input when a run ends, for mail or ntfy.
/// </param>
internal sealed record NotifyOptions(string Url, string Command)
{
    public bool Any => Url.Length > 0 || Command.Length > 0;

    /// <summary>Reads and checks [notify].</summary>
    public static NotifyOptions Read(ConfigSection section)
    {
        string url = section.Text("url");
        if (
            url.Length > 0
            && (
                !Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            )
        )
        {
            throw section.Error("url", $"\"{url}\" is not an http:// or https:// URL (leave it empty for none)");
        }

        return new NotifyOptions(url.TrimEnd('/'), section.Text("command"));
    }
}
