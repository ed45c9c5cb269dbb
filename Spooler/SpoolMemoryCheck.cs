using System.Globalization;

namespace BtrfsToS3.Spooler;

/// <summary>
/// Whether a spool on tmpfs can hold its quota (README, "Streaming: no scratch SSD"). The quota is what the operator
/// budgets the spool by; on a tmpfs that budget is memory, so it must fit both the tmpfs and the machine.
/// </summary>
internal static class SpoolMemoryCheck
{
    /// <summary>
    /// What is wrong with the quota of a spool on tmpfs, or null when it fits.
    /// </summary>
    /// <remarks>
    /// A quota above the tmpfs's size is never reached (the spooler pauses at the tmpfs's free space instead): it was
    /// chosen for another filesystem. The defaults are for a 450 GiB SSD, and their 200 GiB chunk fits no tmpfs, which
    /// would fail the run with exit 73 only after a snapshot was made; refused here, nothing is touched. Half of
    /// MemTotal is the kernel's own default size of a tmpfs: the share of memory it lets one take without being told
    /// more. Beyond it the spool competes with the page cache that <c>btrfs send</c> reads through and with the host's
    /// own work, and on a host without swap the OOM killer, not the quota's pause, would end the backup. A tmpfs can be
    /// mounted larger than that (size= above RAM, with swap), so both limits are checked.
    /// </remarks>
    /// <param name="tmpfsBytes">The tmpfs's size by statvfs; 0 for one mounted with size=0, which has no limit of its
    /// own.</param>
    /// <param name="memTotal">The machine's memory, MemTotal of /proc/meminfo in bytes.</param>
    public static string? Problem(string spoolDir, long quota, long tmpfsBytes, long memTotal)
    {
        if (tmpfsBytes > 0 && quota > tmpfsBytes)
        {
            return $"{ByteSize.Format(quota)} does not fit the tmpfs that holds {spoolDir} ({ByteSize.Format(tmpfsBytes)}); lower the quota or mount the tmpfs with a larger size=";
        }

        long half = memTotal / 2;
        if (quota > half)
        {
            // Whole MiB, so that the figure can be pasted into the configuration as it is.
            return $"{ByteSize.Format(quota)} is more than half of this machine's memory ({ByteSize.Human(memTotal)}), and {spoolDir} is on tmpfs, which keeps the spool in memory; lower the quota to at most {ByteSize.Format(half / ByteSize.MiB * ByteSize.MiB)} or put the spool on a disk";
        }

        return null;
    }

    /// <summary>The machine's memory from the text of /proc/meminfo, in bytes (the file says kB and means
    /// KiB).</summary>
    public static long MemTotal(string meminfo)
    {
        foreach (string line in meminfo.Split('\n'))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (
                fields is ["MemTotal:", string number, "kB"]
                && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long kib)
            )
            {
                return kib * ByteSize.KiB;
            }
        }

        throw new BackupFailure(
            FailureKind.Unavailable,
            "/proc/meminfo has no MemTotal line in kB: cannot tell how much memory a tmpfs spool may take"
        );
    }
}
