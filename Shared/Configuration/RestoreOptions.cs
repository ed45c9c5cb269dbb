using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// How archived chunks are thawed for a restore: the retrieval tier (Bulk, Standard or Expedited), how many days the
/// thawed copies stay readable (auto: long enough to download the chain at the expected download rate), and how often
/// <c>restore --wait</c> looks whether the thaw is done.
/// </summary>
/// <param name="Tier">[restore] tier: Bulk, Standard or Expedited (not with storage_class_data = DEEP_ARCHIVE). Default
/// Bulk.</param>
/// <param name="Days">[restore] days: auto (null) or from 1 to 365. Default auto.</param>
/// <param name="DownloadRate">[restore] download_rate: a rate, in bytes per second here. Default 100Mbit.</param>
/// <param name="PollInterval">[restore] poll_interval: from 1s to 1d. Default 15m.</param>
/// <param name="TrustedKeys"> [restore] trusted_keys: the signing public keys (<c>ed25519:…</c>) whose pointers and
/// manifests restore, verify and prune take, besides this host's own; an earlier host's key after a rebuild. Default
/// none.
/// </param>
internal sealed record RestoreOptions(
    string Tier,
    int? Days,
    long DownloadRate,
    TimeSpan PollInterval,
    IReadOnlyList<string>? TrustedKeys = null
)
{
    /// <summary>S3's longest thaw (RestoreObject Days).</summary>
    private const int MaxDays = 365;

    /// <summary>
    /// Reads and checks [restore]. <paramref name="storageClassData"/> is [s3] storage_class_data, already checked:
    /// Deep Archive has no Expedited retrieval (S3 user guide, "Understanding archive retrieval options"), so that tier
    /// would fail every thaw of a chunk written there.
    /// </summary>
    public static RestoreOptions Read(ConfigSection section, string storageClassData)
    {
        string tier = section.Choice("tier", "Bulk", "Standard", "Expedited");
        if (tier == "Expedited" && storageClassData == "DEEP_ARCHIVE")
        {
            throw section.Error(
                "tier",
                "Expedited is not offered for Deep Archive ([s3] storage_class_data = DEEP_ARCHIVE): use Standard (about 12 h) or Bulk (about 48 h)"
            );
        }

        int? days = section.Text("days") == "auto" ? null : section.Integer("days", min: 1, max: MaxDays);
        var trusted = new List<string>();
        foreach (
            string key in section.Text("trusted_keys").Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries)
        )
        {
            if (Crypto.SignaturePublicKey.TryParse(key) is null)
            {
                throw section.Error(
                    "trusted_keys",
                    $"{Format.FieldCheck.Show(key)} is not a signing public key (ed25519: and 44 base64 characters, as check and status print it)"
                );
            }

            trusted.Add(key);
        }

        return new RestoreOptions(
            tier,
            days,
            section.Rate("download_rate"),
            section.Duration("poll_interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            trusted.Count == 0 ? null : trusted
        );
    }

    public bool Equals(RestoreOptions? other) =>
        other is not null
        && (Tier, Days, DownloadRate, PollInterval) == (other.Tier, other.Days, other.DownloadRate, other.PollInterval)
        && (TrustedKeys ?? []).SequenceEqual(other.TrustedKeys ?? []);

    public override int GetHashCode() => HashCode.Combine(Tier, Days, DownloadRate, PollInterval);

    /// <summary>
    /// The days thawed copies of <paramref name="bytes"/> are kept. Every chunk of the chain is thawed at once, and the
    /// last one is downloaded only after all before it: at the expected rate, with half as much again for a slower
    /// link and two days for the person to start the restore and rerun it, so that a long chain does not expire in
    /// the middle. A thaw that expires anyway is asked for again by the next run.
    /// </summary>
    public int DaysFor(long bytes)
    {
        if (Days is { } days)
        {
            return days;
        }

        double downloadDays = bytes / (double)DownloadRate / 86_400;
        return (int)Math.Min(MaxDays, Math.Ceiling(downloadDays * 1.5) + 2);
    }
}
