using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Tests.Shared.Catalog;

/// <summary>
/// A chain's catalogs replayed into trees as <c>btrfs receive</c> applies the commands: names, hard links, renames
/// (also as btrfs send orders them for an incremental, through orphan names), attributes and each file's extent map;
/// an incremental's tree made from its parent's without changing it.
/// </summary>
[TestClass]
public sealed class ChainReplayTests
{
    private static readonly string Parent = CatalogText.Uuid(0);

    [TestMethod]
    public void Apply_CreateCommands_MakeEachKindWithReceivesMode()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkfile","path":"f"}""",
                """{"op":"mkdir","path":"d"}""",
                """{"op":"mknod","path":"d/c","mode":8630,"rdev":259}""",
                """{"op":"mknod","path":"d/b","mode":25008,"rdev":2049}""",
                """{"op":"mkfifo","path":"p"}""",
                """{"op":"mksock","path":"s"}""",
                """{"op":"symlink","path":"l","target":"../etc/passwd"}"""
            )
        );

        Assert.AreEqual(
            "d Directory 448 0, d/b BlockDevice 0 2049, d/c CharDevice 0 259, f File 384 0, l Symlink 511 0, "
                + "p Fifo 384 0, s Socket 384 0",
            string.Join(", ", tree.Walk().Skip(1).Select(e => $"{e.Path} {e.Inode.Kind} {e.Inode.Mode} {e.Inode.Rdev}"))
        );
        TreeInode link = tree.Lookup("l")!.Inode;
        Assert.AreEqual(("../etc/passwd", 13L), (link.SymlinkTarget, link.Size));
    }

    [TestMethod]
    public void Apply_AttributeCommands_SetThemOnTheFileAndTheTopDirectory()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkfile","path":"f"}""",
                """{"op":"chown","path":"f","uid":1000,"gid":100}""",
                """{"op":"chmod","path":"f","mode":2541}""",
                """{"op":"utimes","path":"f","atime":[1,2],"mtime":[3,4],"ctime":[-5,6]}""",
                """{"op":"set_xattr","path":"f","name":"user.b","value":"Ag=="}""",
                """{"op":"set_xattr","path":"f","name":"user.a","value":"AQ=="}""",
                """{"op":"set_xattr","path":"f","name":"user.c","value":""}""",
                """{"op":"remove_xattr","path":"f","name":"user.c"}""",
                """{"op":"set_xattr","path":"f","name":"user.b","value":"Aw=="}""",
                """{"op":"fileattr","path":"f","attributes":16}""",
                """{"op":"enable_verity","path":"f","algorithm":1,"block_size":4096,"salt":"AA==","signature":""}""",
                """{"op":"chown","path":"","uid":7,"gid":8}""",
                """{"op":"chmod","path":"","mode":493}""",
                """{"op":"utimes","path":"","atime":[9,0],"mtime":[10,0],"ctime":[11,0]}""",
                """{"op":"set_xattr","path":"","name":"user.top","value":"AA=="}"""
            )
        );

        TreeInode f = tree.Lookup("f")!.Inode;
        Assert.AreEqual((1000L, 100L, 2541), (f.Uid, f.Gid, f.Mode));
        Assert.AreEqual((new InodeTime(1, 2), new InodeTime(3, 4), new InodeTime(-5, 6)), (f.Atime, f.Mtime, f.Ctime));
        Assert.AreEqual("user.a=1, user.b=3", Xattrs(f));
        Assert.AreEqual(16L, f.FileAttributes);
        Assert.AreEqual(new VeritySettings(1, 4096, [0], []), f.Verity);
        TreeInode top = tree.Lookup("")!.Inode;
        Assert.AreSame(tree.Root, top);
        Assert.AreEqual((7L, 8L, 493, 10L), (top.Uid, top.Gid, top.Mode, top.Mtime.Seconds));
        Assert.AreEqual("user.top=0", Xattrs(top));
    }

    [TestMethod]
    public void Apply_WritesWithAGap_LeaveAHole()
    {
        TreeInode f = File(
            """{"op":"write","path":"f","offset":0,"length":4096,"data":100}""",
            """{"op":"write","path":"f","offset":8192,"length":4096,"data":5000}"""
        );

        Assert.AreEqual(12288L, f.Size);
        CollectionAssert.AreEqual(
            new FileExtent[] { new DataExtent(0, 4096, 0, 100, 0, 0, 0), new DataExtent(8192, 4096, 0, 5000, 0, 0, 0) },
            f.Extents.ToList()
        );
    }

    [TestMethod]
    public void Apply_OverlappingWrite_CutsWhatItCovers()
    {
        TreeInode f = File(
            """{"op":"write","path":"f","offset":0,"length":12288,"data":100}""",
            """{"op":"write","path":"f","offset":4000,"length":100,"data":20000}"""
        );

        CollectionAssert.AreEqual(
            new FileExtent[]
            {
                new DataExtent(0, 4000, 0, 100, 0, 0, 0),
                new DataExtent(4000, 100, 0, 20000, 0, 0, 0),
                new DataExtent(4100, 8188, 0, 4200, 0, 0, 0),
            },
            f.Extents.ToList()
        );
        Assert.AreEqual(12288L, f.Size);
    }

    [TestMethod]
    public void Apply_EmptyWrites_ChangeNothing()
    {
        TreeInode f = File(
            """{"op":"write","path":"f","offset":0,"length":4096,"data":100}""",
            """{"op":"write","path":"f","offset":0,"length":0,"data":900}""",
            """{"op":"write","path":"f","offset":9000,"length":0,"data":900}""",
            """{"op":"encoded_write","path":"f","offset":0,"unencoded_file_length":0,"unencoded_length":4096,"unencoded_offset":0,"compression":1,"encryption":0,"data":900,"length":10}"""
        );

        Assert.AreEqual(4096L, f.Size);
        CollectionAssert.AreEqual(new FileExtent[] { new DataExtent(0, 4096, 0, 100, 0, 0, 0) }, f.Extents.ToList());
    }

    [TestMethod]
    public void Apply_TruncateShrinkThenGrow_CutsTheExtentThenAddsAHole()
    {
        TreeInode f = File(
            """{"op":"write","path":"f","offset":0,"length":8192,"data":100}""",
            """{"op":"write","path":"f","offset":8192,"length":100,"data":9000}""",
            """{"op":"truncate","path":"f","size":5000}""",
            """{"op":"truncate","path":"f","size":10000}"""
        );

        Assert.AreEqual(10000L, f.Size);
        CollectionAssert.AreEqual(new FileExtent[] { new DataExtent(0, 5000, 0, 100, 0, 0, 0) }, f.Extents.ToList());
    }

    [TestMethod]
    public void Apply_CoalescedWritesPunchedMidPiece_KeepTheirStreamOffsetsExact()
    {
        // Three write commands of 4096, 4096 and 1808 bytes, their data 4200 stream bytes apart.
        TreeInode f = File(
            """{"op":"write","path":"f","offset":0,"length":10000,"data":1000,"piece":4096,"stride":4200}""",
            """{"op":"fallocate","path":"f","mode":3,"offset":5000,"length":1000}"""
        );

        List<FileExtent> extents = [.. f.Extents];
        CollectionAssert.AreEqual(
            new FileExtent[]
            {
                new DataExtent(0, 5000, 0, 1000, 4096, 4200, 0),
                new DataExtent(6000, 4000, 0, 5200, 4096, 4200, 1904),
            },
            extents
        );
        var right = (DataExtent)extents[1];
        Assert.AreEqual(1000 + 4200 + (6000 - 4096), right.StreamOffset(6000));
        Assert.AreEqual(1000 + 8400 + 10, right.StreamOffset(8202));
        CollectionAssert.AreEqual(
            new[] { new StreamRun(6000, 7104, 2192), new StreamRun(8192, 9400, 1808) },
            right.Runs().ToList()
        );
        CollectionAssert.AreEqual(
            new[] { new StreamRun(0, 1000, 4096), new StreamRun(4096, 5200, 904) },
            ((DataExtent)extents[0]).Runs().ToList()
        );
        Assert.AreEqual(10000L, f.Size);
    }

    [TestMethod]
    public void Apply_Fallocate_GrowsWithAHoleOrChangesNothing()
    {
        TreeInode f = File(
            """{"op":"write","path":"f","offset":0,"length":100,"data":100}""",
            """{"op":"fallocate","path":"f","mode":1,"offset":0,"length":100000}""",
            """{"op":"fallocate","path":"f","mode":3,"offset":50000,"length":100000}"""
        );
        Assert.AreEqual(100L, f.Size);

        TreeInode grown = File(
            """{"op":"write","path":"f","offset":0,"length":100,"data":100}""",
            """{"op":"fallocate","path":"f","mode":0,"offset":0,"length":100000}"""
        );
        Assert.AreEqual(100000L, grown.Size);
        Assert.HasCount(1, grown.Extents.ToList());
    }

    [TestMethod]
    public void Apply_EncodedWriteOverlaidByAWrite_KeepsTheEncodedPartsWithTheirOffsets()
    {
        TreeInode f = File(
            """{"op":"encoded_write","path":"f","offset":0,"unencoded_file_length":8192,"unencoded_length":16384,"unencoded_offset":4096,"compression":2,"encryption":0,"data":300,"length":900}""",
            """{"op":"write","path":"f","offset":4096,"length":904,"data":5000}"""
        );

        CollectionAssert.AreEqual(
            new FileExtent[]
            {
                new EncodedExtent(0, 4096, 0, 300, 900, 2, 16384, 4096),
                new DataExtent(4096, 904, 0, 5000, 0, 0, 0),
                new EncodedExtent(5000, 3192, 0, 300, 900, 2, 16384, 9096),
            },
            f.Extents.ToList()
        );
        Assert.AreEqual(8192L, f.Size);
    }

    [TestMethod]
    public void Apply_CloneWithinTheSnapshot_CopiesTheSourceExtentsAndHoles()
    {
        string own = CatalogText.Uuid(0);
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkfile","path":"a"}""",
                """{"op":"write","path":"a","offset":0,"length":4096,"data":100}""",
                """{"op":"write","path":"a","offset":8192,"length":4096,"data":5000}""",
                """{"op":"mkfile","path":"b"}""",
                """{"op":"write","path":"b","offset":0,"length":20000,"data":9000}""",
                $$"""{"op":"clone","path":"b","offset":1000,"length":12288,"source_uuid":"{{own}}","source_ctransid":100,"source_path":"a","source_offset":0}""",
                // Within one file, the source read before the clone writes over it.
                $$"""{"op":"clone","path":"a","offset":2048,"length":4096,"source_uuid":"{{own}}","source_ctransid":100,"source_path":"a","source_offset":0}"""
            )
        );

        CollectionAssert.AreEqual(
            new FileExtent[]
            {
                new DataExtent(0, 1000, 0, 9000, 0, 0, 0),
                new DataExtent(1000, 4096, 0, 100, 0, 0, 0),
                new DataExtent(9192, 4096, 0, 5000, 0, 0, 0),
                new DataExtent(13288, 6712, 0, 22288, 0, 0, 0),
            },
            tree.Lookup("b")!.Inode.Extents.ToList()
        );
        CollectionAssert.AreEqual(
            new FileExtent[] { new DataExtent(0, 2048, 0, 100, 0, 0, 0), new DataExtent(2048, 4096, 0, 100, 0, 0, 0) },
            tree.Lookup("a")!.Inode.Extents.Take(2).ToList()
        );
        Assert.AreEqual(12288L, tree.Lookup("a")!.Inode.Size);
    }

    [TestMethod]
    public void Apply_CloneFromTheParent_ReadsTheParentsFileEvenWhereThisStreamChangedIt()
    {
        ChainReplay chain = CatalogText.Replay(
            CatalogText.Full(
                """{"op":"mkfile","path":"a"}""",
                """{"op":"write","path":"a","offset":0,"length":4096,"data":100}"""
            ),
            CatalogText.Incremental(
                1,
                """{"op":"truncate","path":"a","size":0}""",
                """{"op":"mkfile","path":"o258-9-0"}""",
                $$"""{"op":"clone","path":"o258-9-0","offset":0,"length":0,"source_uuid":"{{Parent}}","source_ctransid":100,"source_path":"a","source_offset":0}""",
                """{"op":"rename","path":"o258-9-0","to":"b"}"""
            )
        );

        SnapshotTree tree = chain.Trees[1];
        CollectionAssert.AreEqual(
            new FileExtent[] { new DataExtent(0, 4096, 0, 100, 0, 0, 0) },
            tree.Lookup("b")!.Inode.Extents.ToList()
        );
        Assert.AreEqual(4096L, tree.Lookup("b")!.Inode.Size);
        Assert.AreEqual(0L, tree.Lookup("a")!.Inode.Size);
        Assert.AreEqual(4096L, chain.Trees[0].Lookup("a")!.Inode.Size);
    }

    [TestMethod]
    [DataRow(
        "99999999-0000-0000-0000-000000000000",
        100,
        "source_uuid \"99999999-0000-0000-0000-000000000000\" is neither this snapshot's uuid nor its parent's"
    )]
    [DataRow(
        "00000000-0000-0000-0000-000000000000",
        7,
        "source_ctransid 7 is not the ctransid of the snapshot source_uuid names"
    )]
    public void Apply_CloneFromAnUnknownSource_IsBadData(string uuid, int ctransid, string problem)
    {
        string catalog = CatalogText.Full(
            """{"op":"mkfile","path":"a"}""",
            $$"""{"op":"clone","path":"a","offset":0,"length":1,"source_uuid":"{{uuid}}","source_ctransid":{{ctransid}},"source_path":"a","source_offset":0}"""
        );

        StringAssert.StartsWith(
            Assert.ThrowsExactly<BackupFailure>(() => CatalogText.Replay(catalog)).Message,
            $"{CatalogText.Name} line 4: {problem}"
        );
    }

    [TestMethod]
    public void Apply_RenameOverAnExistingFile_ReplacesIt()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkfile","path":"a"}""",
                """{"op":"truncate","path":"a","size":1}""",
                """{"op":"mkfile","path":"b"}""",
                """{"op":"rename","path":"a","to":"b"}"""
            )
        );

        Assert.AreEqual(", b", string.Join(", ", tree.Walk().Select(e => e.Path)));
        TreeInode b = tree.Lookup("b")!.Inode;
        Assert.AreEqual(1L, b.Size);
        Assert.IsNull(tree.Inode(b.Id + 1));
        Assert.AreEqual(new InodeLink(tree.Root.Id, Name("b")), b.Links.Single());
    }

    [TestMethod]
    public void Apply_RenameOfADirectoryOverAnEmptyOne_ReplacesIt()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkdir","path":"a"}""",
                """{"op":"mkfile","path":"a/f"}""",
                """{"op":"mkdir","path":"b"}""",
                """{"op":"rename","path":"a","to":"b"}"""
            )
        );

        Assert.AreEqual(", b, b/f", string.Join(", ", tree.Walk().Select(e => e.Path)));
    }

    [TestMethod]
    [DataRow(
        """{"op":"mkdir","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkfile","path":"b/x"}""",
        """{"op":"rename","path":"a","to":"b"}""",
        "to \"b\" is not an empty directory, which a directory may replace"
    )]
    [DataRow(
        """{"op":"mkdir","path":"a"}""",
        """{"op":"mkfile","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"rename","path":"a","to":"b"}""",
        "to \"b\" is not an empty directory"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"rename","path":"a","to":"b"}""",
        "to \"b\" is a directory, which only a directory may replace"
    )]
    [DataRow(
        """{"op":"mkdir","path":"a"}""",
        """{"op":"mkdir","path":"a/b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"rename","path":"a","to":"a/b/a"}""",
        "to \"a/b/a\" lies in a, the directory it renames"
    )]
    [DataRow(
        """{"op":"mkdir","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"rename","path":"x","to":"y"}""",
        "path \"x\" names nothing in the tree"
    )]
    [DataRow(
        """{"op":"mkdir","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"rename","path":"a","to":"x/y"}""",
        "to \"x/y\" lies in no directory of the tree"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"mkfile","path":"a"}""",
        "path \"a\" exists already"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"mkfile","path":"a/x"}""",
        "path \"a/x\" lies in no directory of the tree"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"link","path":"b/x","target":"b"}""",
        "target \"b\" is a directory, which has one name only"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"link","path":"c","target":"a"}""",
        "path \"c\" exists already"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkfile","path":"b/c"}""",
        """{"op":"rmdir","path":"b"}""",
        "path \"b\" is a directory that is not empty"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"rmdir","path":"a"}""",
        "path \"a\" is not a directory"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"unlink","path":"b"}""",
        "path \"b\" is a directory, which unlink does not remove"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"unlink","path":"z"}""",
        "path \"z\" names nothing in the tree"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"write","path":"b","offset":0,"length":1,"data":0}""",
        "path \"b\" is not a regular file, which write needs"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"chmod","path":"a/b","mode":0}""",
        "path \"a/b\" names nothing in the tree"
    )]
    [DataRow(
        """{"op":"mkfile","path":"a"}""",
        """{"op":"mkdir","path":"b"}""",
        """{"op":"mkdir","path":"c"}""",
        """{"op":"remove_xattr","path":"a","name":"user.x"}""",
        "name \"user.x\" is not an xattr of a"
    )]
    public void Apply_CommandReceiveWouldRefuse_IsBadData(
        string one,
        string two,
        string three,
        string bad,
        string problem
    )
    {
        StringAssert.StartsWith(
            Assert
                .ThrowsExactly<BackupFailure>(() => CatalogText.Replay(CatalogText.Full(one, two, three, bad)))
                .Message,
            $"{CatalogText.Name} line 6: {problem}"
        );
    }

    [TestMethod]
    public void Apply_RenameOfADirectory_MovesWhatItHolds()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkdir","path":"d"}""",
                """{"op":"mkdir","path":"d/e"}""",
                """{"op":"mkfile","path":"d/e/f"}""",
                """{"op":"mkdir","path":"x"}""",
                """{"op":"rename","path":"d","to":"x/y"}"""
            )
        );

        Assert.AreEqual(", x, x/y, x/y/e, x/y/e/f", string.Join(", ", tree.Walk().Select(e => e.Path)));
        Assert.AreEqual("x/y/e/f", tree.PathsOf(tree.Lookup("x/y/e/f")!.Inode).Single());
        Assert.IsNull(tree.Lookup("d"));
    }

    [TestMethod]
    public void Apply_HardLinks_AreOneInodeThatLivesWhileNamed()
    {
        ChainReplay chain = CatalogText.Replay(
            CatalogText.Full(
                """{"op":"mkdir","path":"d"}""",
                """{"op":"mkfile","path":"a"}""",
                """{"op":"write","path":"a","offset":0,"length":10,"data":100}""",
                """{"op":"link","path":"d/b","target":"a"}""",
                """{"op":"link","path":"c","target":"d/b"}"""
            ),
            CatalogText.Incremental(1, """{"op":"unlink","path":"a"}""", """{"op":"unlink","path":"c"}""")
        );

        SnapshotTree full = chain.Trees[0];
        TreeInode a = full.Lookup("a")!.Inode;
        Assert.AreSame(a, full.Lookup("d/b")!.Inode);
        Assert.AreSame(a, full.Lookup("c")!.Inode);
        CollectionAssert.AreEqual(new[] { "a", "c", "d/b" }, full.PathsOf(a).ToList());
        SnapshotTree after = chain.Trees[1];
        TreeInode b = after.Lookup("d/b")!.Inode;
        Assert.AreEqual((a.Id, 10L, 1), (b.Id, b.Size, b.Links.Length));
        Assert.IsNull(after.Lookup("a"));
        Assert.HasCount(3, full.Inode(a.Id)!.Links);
    }

    [TestMethod]
    public void Apply_UnlinkOfTheLastName_DropsTheInode()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full("""{"op":"mkfile","path":"a"}""", """{"op":"unlink","path":"a"}""")
        );

        Assert.AreEqual("", string.Join(", ", tree.Walk().Select(e => e.Path)));
        Assert.IsNull(tree.Inode(tree.Root.Id + 1));
    }

    [TestMethod]
    public void Apply_RenameBetweenTwoNamesOfOneInode_ChangesNothing()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkfile","path":"a"}""",
                """{"op":"link","path":"b","target":"a"}""",
                """{"op":"rename","path":"a","to":"b"}"""
            )
        );

        Assert.AreEqual(", a, b", string.Join(", ", tree.Walk().Select(e => e.Path)));
    }

    /// <summary>
    /// An incremental as btrfs send writes one: a new file made under an orphan name and renamed into place once its
    /// directory exists; two names swapped through an orphan; a directory moved away to an orphan name while another
    /// takes its name, then moved on under a new name; a directory moved to an orphan name and back; a directory
    /// removed after its content.
    /// </summary>
    [TestMethod]
    public void Apply_OrphanNamesOfAnIncremental_EndInPlaceWithTheirIdentities()
    {
        ChainReplay chain = CatalogText.Replay(
            CatalogText.Full(
                """{"op":"mkdir","path":"d"}""",
                """{"op":"mkfile","path":"d/f"}""",
                """{"op":"write","path":"d/f","offset":0,"length":10,"data":100}""",
                """{"op":"mkfile","path":"a"}""",
                """{"op":"mkfile","path":"b"}""",
                """{"op":"mkdir","path":"gone"}""",
                """{"op":"mkfile","path":"gone/x"}""",
                """{"op":"mkdir","path":"k"}""",
                """{"op":"mkfile","path":"k/file"}"""
            ),
            CatalogText.Incremental(
                1,
                """{"op":"mkfile","path":"o264-12-0"}""",
                """{"op":"write","path":"o264-12-0","offset":0,"length":5,"data":200}""",
                """{"op":"rename","path":"a","to":"o258-6-0"}""",
                """{"op":"rename","path":"b","to":"a"}""",
                """{"op":"rename","path":"o258-6-0","to":"b"}""",
                """{"op":"rename","path":"d","to":"o257-5-0"}""",
                """{"op":"mkdir","path":"o265-12-0"}""",
                """{"op":"rename","path":"o265-12-0","to":"d"}""",
                """{"op":"rename","path":"o264-12-0","to":"d/new"}""",
                """{"op":"rename","path":"o257-5-0","to":"e"}""",
                """{"op":"rename","path":"k","to":"o266-7-0"}""",
                """{"op":"rename","path":"o266-7-0","to":"k"}""",
                """{"op":"unlink","path":"gone/x"}""",
                """{"op":"rmdir","path":"gone"}""",
                """{"op":"utimes","path":"","atime":[1,0],"mtime":[2,0],"ctime":[3,0]}"""
            )
        );

        SnapshotTree full = chain.Trees[0];
        SnapshotTree tree = chain.Trees[1];
        Assert.AreEqual(", a, b, d, d/new, e, e/f, k, k/file", string.Join(", ", tree.Walk().Select(e => e.Path)));
        Assert.AreEqual(full.Lookup("b")!.Inode.Id, tree.Lookup("a")!.Inode.Id);
        Assert.AreEqual(full.Lookup("a")!.Inode.Id, tree.Lookup("b")!.Inode.Id);
        Assert.AreEqual(full.Lookup("d")!.Inode.Id, tree.Lookup("e")!.Inode.Id);
        Assert.AreSame(full.Lookup("d/f")!.Inode, tree.Lookup("e/f")!.Inode);
        Assert.AreEqual(full.Lookup("k")!.Inode.Id, tree.Lookup("k")!.Inode.Id);
        Assert.AreSame(full.Lookup("k/file")!.Inode, tree.Lookup("k/file")!.Inode);
        Assert.AreEqual(5L, tree.Lookup("d/new")!.Inode.Size);
        Assert.IsNull(tree.Inode(full.Lookup("gone/x")!.Inode.Id));
    }

    [TestMethod]
    public void Apply_Incremental_LeavesItsParentsTreeAsItWas()
    {
        string full = CatalogText.Full(
            """{"op":"mkdir","path":"d"}""",
            """{"op":"mkfile","path":"d/f"}""",
            """{"op":"write","path":"d/f","offset":0,"length":8192,"data":100}""",
            """{"op":"set_xattr","path":"d/f","name":"user.a","value":"AQ=="}""",
            """{"op":"mkfile","path":"keep"}""",
            """{"op":"chmod","path":"keep","mode":420}""",
            """{"op":"mkfile","path":"g"}"""
        );
        ChainReplay chain = CatalogText.Replay(full);
        SnapshotTree parent = chain.Trees[0];
        string before = Listing(parent);

        chain.Apply(
            CatalogText.Open(
                CatalogText.Incremental(
                    1,
                    """{"op":"write","path":"d/f","offset":100,"length":10,"data":300}""",
                    """{"op":"truncate","path":"d/f","size":5000}""",
                    """{"op":"set_xattr","path":"d/f","name":"user.a","value":"Ag=="}""",
                    """{"op":"chmod","path":"d","mode":0}""",
                    """{"op":"rename","path":"d","to":"e"}""",
                    """{"op":"link","path":"e/h","target":"g"}""",
                    """{"op":"unlink","path":"g"}""",
                    """{"op":"mkfile","path":"new"}"""
                )
            )
        );

        Assert.AreEqual(before, Listing(parent));
        SnapshotTree child = chain.Trees[1];
        Assert.AreSame(parent.Lookup("keep")!.Inode, child.Lookup("keep")!.Inode);
        Assert.AreNotSame(parent.Lookup("d/f")!.Inode, child.Lookup("e/f")!.Inode);
        Assert.AreEqual(1, child.Lookup("e/f")!.Inode.ChangedIn);
        Assert.AreEqual(0, child.Lookup("keep")!.Inode.ChangedIn);
    }

    [TestMethod]
    public void Apply_ChangeToAPublishedTree_Throws()
    {
        SnapshotTree tree = CatalogText.Tree(CatalogText.Full("""{"op":"mkfile","path":"f"}"""));

        Assert.ThrowsExactly<InvalidOperationException>(() => tree.Root.SetMode(0));
        Assert.ThrowsExactly<InvalidOperationException>(() => tree.Lookup("f")!.Inode.Truncate(1));
    }

    [TestMethod]
    public void Apply_IncrementalOfAnotherParent_IsBadDataAndLeavesTheChain()
    {
        ChainReplay chain = CatalogText.Replay(CatalogText.Full());
        string other = CatalogText
            .Incremental(1)
            .Replace(
                $"\"clone_uuid\":\"{Parent}\"",
                "\"clone_uuid\":\"99999999-0000-0000-0000-000000000000\"",
                StringComparison.Ordinal
            );

        Assert.AreEqual(
            $"{CatalogText.Name} line 2: clone_uuid \"99999999-0000-0000-0000-000000000000\" is not the uuid of the chain's "
                + $"snapshot before, {Parent}; it is not trusted",
            Assert.ThrowsExactly<BackupFailure>(() => chain.Apply(CatalogText.Open(other))).Message
        );
        Assert.HasCount(1, chain.Trees);
    }

    [TestMethod]
    public void Apply_FailedIncremental_LeavesTheChainToContinue()
    {
        ChainReplay chain = CatalogText.Replay(CatalogText.Full("""{"op":"mkfile","path":"f"}"""));
        string broken = CatalogText.Incremental(
            1,
            """{"op":"truncate","path":"f","size":9}""",
            """{"op":"unlink","path":"nope"}"""
        );

        Assert.ThrowsExactly<BackupFailure>(() => chain.Apply(CatalogText.Open(broken)));
        chain.Apply(CatalogText.Open(CatalogText.Incremental(1, """{"op":"truncate","path":"f","size":3}""")));

        Assert.AreEqual(0L, chain.Trees[0].Lookup("f")!.Inode.Size);
        Assert.AreEqual(3L, chain.Trees[1].Lookup("f")!.Inode.Size);
    }

    [TestMethod]
    public void Apply_ChainNotStartingWithAFull_IsBadData()
    {
        var chain = new ChainReplay();

        Assert.AreEqual(
            $"{CatalogText.Name}: kind \"incremental\" is not full, which a chain starts with; it is not trusted",
            Assert.ThrowsExactly<BackupFailure>(() => chain.Apply(CatalogText.Open(CatalogText.Incremental(1)))).Message
        );
        chain.Apply(CatalogText.Open(CatalogText.Full()));
        StringAssert.StartsWith(
            Assert.ThrowsExactly<BackupFailure>(() => chain.Apply(CatalogText.Open(CatalogText.Full()))).Message,
            $"{CatalogText.Name}: kind \"full\" is not incremental"
        );
    }

    [TestMethod]
    public void Walk_Names_ComeByTheirBytesEachDirectoryBeforeWhatItHolds()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full(
                """{"op":"mkfile","path":"a-b"}""",
                """{"op":"mkdir","path":"a"}""",
                """{"op":"mkfile","path":"a/x"}""",
                """{"op":"mkfile","path":"B"}""",
                """{"op":"mkfile","path":"é"}""",
                """{"op":"mkfile","path_b64":"/w=="}""",
                """{"op":"mkfile","path":"😀"}"""
            )
        );

        CollectionAssert.AreEqual(
            new[] { "", "B", "a", "a/x", "a-b", "é", "😀", "\udcff" },
            tree.Walk().Select(e => e.Path).ToList()
        );
        CollectionAssert.AreEqual(
            new[] { "B", "a", "a-b", "é", "😀", "\udcff" },
            tree.List("")!.Select(e => e.Path).ToList()
        );
        CollectionAssert.AreEqual(new[] { "a/x" }, tree.List("a")!.Select(e => e.Path).ToList());
    }

    [TestMethod]
    public void Lookup_PathsThatNameNothing_AreNull()
    {
        SnapshotTree tree = CatalogText.Tree(
            CatalogText.Full("""{"op":"mkfile","path":"é"}""", """{"op":"mkfile","path_b64":"/w=="}""")
        );

        Assert.IsNotNull(tree.Lookup("é"));
        Assert.AreEqual("\udcff", tree.Lookup("\udcff")!.Name);
        Assert.IsNull(tree.Lookup("\udcc3\udca9")); // é's bytes escaped one by one: not é's string
        Assert.IsNull(tree.Lookup("é/x"));
        Assert.IsNull(tree.Lookup("./é"));
        Assert.IsNull(tree.Lookup("/é"));
        Assert.IsNull(tree.Lookup("\ud800"));
        Assert.IsNull(tree.List("é"));
    }

    private static TreeInode File(params string[] commands) =>
        CatalogText.Tree(CatalogText.Full(["""{"op":"mkfile","path":"f"}""", .. commands])).Lookup("f")!.Inode;

    private static EntryName Name(string name) => EntryName.FromString(name)!.Value;

    private static string Xattrs(TreeInode inode) =>
        string.Join(", ", inode.Xattrs.Select(x => $"{x.Name}={string.Join(":", x.Value)}"));

    /// <summary>Everything a tree shows of itself, one line per entry.</summary>
    private static string Listing(SnapshotTree tree) =>
        string.Join(
            "\n",
            tree.Walk()
                .Select(e =>
                    $"{e.Path} {e.Inode.Id} {e.Inode.Kind} {e.Inode.Mode} {e.Inode.Size} {Xattrs(e.Inode)} "
                    + $"{string.Join(";", e.Inode.Extents)} {string.Join(";", e.Inode.Links)}"
                )
        );
}
