namespace Loos.Edge.MBus;

/// <summary>A frame or telegram that the M-Bus decoder rejects: the reason and the byte offset of the fault in the frame.</summary>
public sealed class MBusFrameException : Exception
{
    /// <summary>Creates the exception for a fault at <paramref name="offset"/> (0 is the first byte of the frame).</summary>
    public MBusFrameException(string reason, int offset)
        : base($"{reason} (at byte {offset})")
    {
        Reason = reason;
        Offset = offset;
    }

    /// <summary>Creates the exception without an offset (offset 0).</summary>
    public MBusFrameException()
        : this("invalid M-Bus frame", 0)
    {
    }

    /// <summary>Creates the exception without an offset (offset 0).</summary>
    public MBusFrameException(string message)
        : this(message, 0)
    {
    }

    /// <summary>Creates the exception wrapping <paramref name="innerException"/> (offset 0).</summary>
    public MBusFrameException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Why the frame is rejected, e.g. "checksum mismatch".</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>The byte offset of the fault, counted from the first byte of the frame.</summary>
    public int Offset { get; }
}
