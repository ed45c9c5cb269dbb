namespace BtrfsToS3.Shared.Configuration;

/// <summary>How <c>btrfs send</c> writes streams.</summary>
/// <param name="SendProtocol"> [btrfs] send_protocol: auto (null: 2 where btrfs-progs and the kernel send it, else 1),
/// 1 or 2. Default auto.
/// </param>
/// <param name="CompressedData"> [btrfs] compressed_data: auto (null: no, see <see cref="Btrfs.SendSettings.Of"/>), yes
/// or no: <c>--compressed-data</c>, extents compressed on the filesystem sent as they are. Default auto.
/// </param>
internal sealed record BtrfsOptions(int? SendProtocol, bool? CompressedData)
{
    /// <summary>Reads and checks [btrfs].</summary>
    public static BtrfsOptions Read(ConfigSection section)
    {
        int? protocol = section.Choice("send_protocol", "auto", "1", "2") switch
        {
            "auto" => null,
            string given => int.Parse(given, System.Globalization.CultureInfo.InvariantCulture),
        };
        bool? compressed = section.Choice("compressed_data", "auto", "yes", "no") switch
        {
            "auto" => null,
            string given => given == "yes",
        };
        return protocol == 1 && compressed == true
            ? throw section.Error(
                "compressed_data",
                "yes needs send_protocol 2 (or auto): protocol 1 cannot carry compressed extents"
            )
            : new BtrfsOptions(protocol, compressed);
    }
}
