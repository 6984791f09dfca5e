namespace Loos.Edge.Core;

/// <summary>One append is larger than the buffer's whole disk cap: it can never be stored, so retrying is pointless.</summary>
public sealed class BufferAppendTooLargeException : Exception
{
    public BufferAppendTooLargeException()
        : this("The append is larger than the buffer's disk cap.")
    {
    }

    public BufferAppendTooLargeException(string message)
        : base(message)
    {
    }

    public BufferAppendTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
