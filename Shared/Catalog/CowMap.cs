using System.Diagnostics.CodeAnalysis;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// An ordered map shared between the snapshots of a chain: a B+-tree whose nodes carry the <see
/// cref="ReplayGeneration"/> that made them. A write copies the nodes on its path the first time a stream changes
/// them, and changes its own stream's nodes in place; so a stream that changes one entry of a directory of a million
/// copies a few nodes of 32 entries, and the trees before it keep theirs. Removal drops emptied nodes but does not
/// merge thin ones: searches stay correct and the height stays that of the largest size reached.
/// </summary>
/// <remarks>An enumeration must end before the next write to the map: a write in the same stream changes nodes in
/// place.</remarks>
internal sealed class CowMap<TKey, TValue>
    where TKey : IComparable<TKey>
{
    private const int MaxEntries = 32;

    private Node? root;

    private CowMap(ReplayGeneration stamp, Node? root, int count)
    {
        Stamp = stamp;
        this.root = root;
        Count = count;
    }

    public ReplayGeneration Stamp { get; }

    public int Count { get; private set; }

    public static CowMap<TKey, TValue> Empty(ReplayGeneration stamp) => new(stamp, null, 0);

    /// <summary>This map for writing in <paramref name="generation"/>: itself where it is that stream's, else a new
    /// map over the same nodes.</summary>
    public CowMap<TKey, TValue> Writable(ReplayGeneration generation) =>
        generation == Stamp ? this : new(generation, root, Count);

    /// <summary>Whether both maps hold the very same nodes, hence the same entries, without looking at one.</summary>
    public bool SharesAll(CowMap<TKey, TValue> other) => root == other.root;

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (root is not null)
        {
            Node node = Leaf(root, key);
            int i = Find(node, 0, key);
            if (i >= 0)
            {
                value = node.Values![i];
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The entry with the greatest key not above <paramref name="key"/>.</summary>
    public bool Floor(TKey key, out KeyValuePair<TKey, TValue> entry)
    {
        entry = default;
        return root is not null && Floor(root, key, ref entry);
    }

    /// <summary>The entries in key order.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> All() => Enumerate(default, bounded: false);

    /// <summary>The entries whose key is <paramref name="key"/> or above, in key order.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> From(TKey key) => Enumerate(key, bounded: true);

    public void Set(TKey key, TValue value)
    {
        Stamp.AssertOpen();
        if (root is null)
        {
            root = new Node(Stamp, [key], [value], null, 1);
            Count = 1;
            return;
        }

        root = Writable(root);
        Node? right = Insert(root, key, value, out TKey separator);
        if (right is not null)
        {
            root = new Node(Stamp, [root.Keys[0], separator], null, [root, right], 2);
        }
    }

    public bool Remove(TKey key)
    {
        Stamp.AssertOpen();
        if (!TryGetValue(key, out _))
        {
            return false;
        }

        root = Writable(root!);
        RemoveFrom(root, key);
        Count--;
        while (root is { Children: not null, Count: 1 })
        {
            root = root.Children[0];
        }

        if (root is { Count: 0 })
        {
            root = null;
        }

        return true;
    }

    private Node Writable(Node node) => node.Stamp == Stamp ? node : node.CopyFor(Stamp);

    /// <summary>Adds or replaces the entry under <paramref name="node"/>, which is writable; returns the new right
    /// sibling where the node split, with the lowest key under it.</summary>
    private Node? Insert(Node node, TKey key, TValue value, out TKey separator)
    {
        separator = default!;
        if (node.Children is null)
        {
            int i = Find(node, 0, key);
            if (i >= 0)
            {
                node.Values![i] = value;
                return null;
            }

            Count++;
            i = ~i;
            if (node.Count < MaxEntries)
            {
                node.InsertEntry(i, key, value);
                return null;
            }

            Node right = node.SplitOff();
            if (i <= node.Count)
            {
                node.InsertEntry(i, key, value);
            }
            else
            {
                right.InsertEntry(i - node.Count, key, value);
            }

            separator = right.Keys[0];
            return right;
        }

        int c = ChildIndex(node, key);
        Node child = Writable(node.Children[c]);
        node.Children[c] = child;
        Node? newChild = Insert(child, key, value, out TKey childSeparator);
        if (newChild is null)
        {
            return null;
        }

        if (node.Count < MaxEntries)
        {
            node.InsertChild(c + 1, childSeparator, newChild);
            return null;
        }

        Node sibling = node.SplitOff();
        if (c + 1 <= node.Count)
        {
            node.InsertChild(c + 1, childSeparator, newChild);
        }
        else
        {
            sibling.InsertChild(c + 1 - node.Count, childSeparator, newChild);
        }

        separator = sibling.Keys[0];
        return sibling;
    }

    /// <summary>Removes a key that is under <paramref name="node"/>, which is writable, dropping a child it
    /// empties.</summary>
    private void RemoveFrom(Node node, TKey key)
    {
        if (node.Children is null)
        {
            node.RemoveAt(Find(node, 0, key));
            return;
        }

        int c = ChildIndex(node, key);
        Node child = Writable(node.Children[c]);
        node.Children[c] = child;
        RemoveFrom(child, key);
        if (child.Count == 0)
        {
            node.RemoveAt(c);
        }
    }

    private static bool Floor(Node node, TKey key, ref KeyValuePair<TKey, TValue> entry)
    {
        if (node.Children is null)
        {
            int i = Find(node, 0, key);
            i = i >= 0 ? i : ~i - 1;
            if (i < 0)
            {
                return false;
            }

            entry = new(node.Keys[i], node.Values![i]);
            return true;
        }

        // A separator is a lower bound of its child's keys, not always its lowest key (removal leaves it): where the
        // child holds nothing that low, the floor is the last entry of the child before.
        int c = ChildIndex(node, key);
        if (Floor(node.Children[c], key, ref entry))
        {
            return true;
        }

        if (c == 0)
        {
            return false;
        }

        Node last = node.Children[c - 1];
        while (last.Children is not null)
        {
            last = last.Children[last.Count - 1];
        }

        entry = new(last.Keys[last.Count - 1], last.Values![last.Count - 1]);
        return true;
    }

    private IEnumerable<KeyValuePair<TKey, TValue>> Enumerate(TKey? key, bool bounded)
    {
        if (root is null)
        {
            yield break;
        }

        // The path from the root to the current leaf, with the index of the next child to visit at each level.
        var path = new Stack<(Node Node, int Next)>();
        Node node = root;
        while (node.Children is not null)
        {
            int c = bounded ? ChildIndex(node, key!) : 0;
            path.Push((node, c + 1));
            node = node.Children[c];
        }

        int i = bounded ? LowerBound(node, key!) : 0;
        while (true)
        {
            for (; i < node.Count; i++)
            {
                yield return new(node.Keys[i], node.Values![i]);
            }

            while (path.Count > 0 && path.Peek().Next >= path.Peek().Node.Count)
            {
                path.Pop();
            }

            if (path.Count == 0)
            {
                yield break;
            }

            (Node parent, int next) = path.Pop();
            path.Push((parent, next + 1));
            node = parent.Children![next];
            while (node.Children is not null)
            {
                path.Push((node, 1));
                node = node.Children[0];
            }

            i = 0;
        }
    }

    private static Node Leaf(Node node, TKey key)
    {
        while (node.Children is not null)
        {
            node = node.Children[ChildIndex(node, key)];
        }

        return node;
    }

    /// <summary>The child whose keys may hold <paramref name="key"/>: the last whose separator is not above it (the
    /// first child's separator is never read).</summary>
    private static int ChildIndex(Node node, TKey key)
    {
        int i = Find(node, 1, key);
        return i >= 0 ? i : ~i - 1;
    }

    private static int LowerBound(Node node, TKey key)
    {
        int i = Find(node, 0, key);
        return i >= 0 ? i : ~i;
    }

    /// <summary>Binary search of <paramref name="key"/> in the node's keys from <paramref name="from"/>: its index,
    /// or the complement of where it would go.</summary>
    private static int Find(Node node, int from, TKey key)
    {
        int low = from;
        int high = node.Count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int order = key.CompareTo(node.Keys[middle]);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        return ~low;
    }

    /// <summary>A leaf (entries in <see cref="Values"/>) or an inner node (children, each with the lower bound of its
    /// keys in <see cref="Keys"/>). Arrays grow as entries come, so a map of one entry is small.</summary>
    private sealed class Node(ReplayGeneration stamp, TKey[] keys, TValue[]? values, Node[]? children, int count)
    {
        public ReplayGeneration Stamp { get; } = stamp;

        public TKey[] Keys { get; private set; } = keys;

        public TValue[]? Values { get; private set; } = values;

        public Node[]? Children { get; private set; } = children;

        public int Count { get; private set; } = count;

        public Node CopyFor(ReplayGeneration stamp) =>
            new(stamp, (TKey[])Keys.Clone(), (TValue[]?)Values?.Clone(), (Node[]?)Children?.Clone(), Count);

        public void InsertEntry(int index, TKey key, TValue value)
        {
            Grow();
            Array.Copy(Keys, index, Keys, index + 1, Count - index);
            Array.Copy(Values!, index, Values!, index + 1, Count - index);
            Keys[index] = key;
            Values![index] = value;
            Count++;
        }

        public void InsertChild(int index, TKey separator, Node child)
        {
            Grow();
            Array.Copy(Keys, index, Keys, index + 1, Count - index);
            Array.Copy(Children!, index, Children!, index + 1, Count - index);
            Keys[index] = separator;
            Children![index] = child;
            Count++;
        }

        public void RemoveAt(int index)
        {
            Array.Copy(Keys, index + 1, Keys, index, Count - index - 1);
            Keys[Count - 1] = default!;
            if (Values is not null)
            {
                Array.Copy(Values, index + 1, Values, index, Count - index - 1);
                Values[Count - 1] = default!;
            }
            else
            {
                Array.Copy(Children!, index + 1, Children!, index, Count - index - 1);
                Children![Count - 1] = null!;
            }

            Count--;
        }

        /// <summary>Moves the upper half of a full node into a new node of the same stamp, and returns it.</summary>
        public Node SplitOff()
        {
            int keep = Count / 2;
            int moved = Count - keep;
            var right = new Node(Stamp, Keys[keep..], Values?[keep..], Children?[keep..], moved);
            Array.Clear(Keys, keep, moved);
            if (Values is not null)
            {
                Array.Clear(Values, keep, moved);
            }
            else
            {
                Array.Clear(Children!, keep, moved);
            }

            Count = keep;
            return right;
        }

        private void Grow()
        {
            if (Count < Keys.Length)
            {
                return;
            }

            int length = Math.Min(MaxEntries, Math.Max(4, Keys.Length * 2));
            Keys = Resized(Keys, length);
            Values = Values is null ? null : Resized(Values, length);
            Children = Children is null ? null : Resized(Children, length);
        }

        private static T[] Resized<T>(T[] array, int length)
        {
            var resized = new T[length];
            Array.Copy(array, resized, array.Length);
            return resized;
        }
    }
}
