using System.Buffers;
using Loos.Edge.Core;

namespace Loos.Edge.Forwarding.LineProtocol;

/// <summary>One encoded line: its bytes in the buffer (newline included) and how many readings it carries.</summary>
internal readonly record struct EncodedLine(int Start, int Length, int Readings);

/// <summary>A reading that cannot be written as line protocol, and why.</summary>
internal readonly record struct UnencodableReading(Reading Reading, string Series, string Reason);

/// <summary>
/// An encoded batch: the bytes, where each line starts, and the readings that could not be encoded. Reused
/// from batch to batch, so steady-state encoding allocates nothing.
/// </summary>
internal sealed class LineProtocolBuffer : IBufferWriter<byte>
{
    private readonly List<EncodedLine> lines = [];
    private readonly List<UnencodableReading> unencodable = [];
    private byte[] bytes;
    private int length;

    public LineProtocolBuffer(int initialCapacityBytes = 256 * 1024) => bytes = new byte[initialCapacityBytes];

    /// <summary>Every encoded byte.</summary>
    public ReadOnlyMemory<byte> Written => bytes.AsMemory(0, length);

    public int WrittenCount => length;

    public IReadOnlyList<EncodedLine> Lines => lines;

    public IReadOnlyList<UnencodableReading> Unencodable => unencodable;

    /// <summary>The bytes of lines <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1.</summary>
    public ReadOnlyMemory<byte> Slice(int first, int count)
    {
        var start = lines[first].Start;
        var last = lines[first + count - 1];
        return bytes.AsMemory(start, last.Start + last.Length - start);
    }

    /// <summary>How many readings lines <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 carry.</summary>
    public int CountReadings(int first, int count)
    {
        var total = 0;
        for (var i = first; i < first + count; i++)
        {
            total += lines[i].Readings;
        }

        return total;
    }

    public void Clear()
    {
        length = 0;
        lines.Clear();
        unencodable.Clear();
    }

    public void Advance(int count) => length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return bytes.AsMemory(length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return bytes.AsSpan(length);
    }

    internal void AddLine(int start, int readings) => lines.Add(new EncodedLine(start, length - start, readings));

    internal void AddUnencodable(Reading reading, string series, string reason) => unencodable.Add(new UnencodableReading(reading, series, reason));

    /// <summary>Drops everything written after <paramref name="position"/>.</summary>
    internal void Truncate(int position) => length = position;

    private void Ensure(int sizeHint)
    {
        var needed = length + Math.Max(sizeHint, 1);
        if (needed > bytes.Length)
        {
            Array.Resize(ref bytes, Math.Max(needed, bytes.Length * 2));
        }
    }
}
