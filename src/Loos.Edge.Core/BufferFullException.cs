namespace Loos.Edge.Core;

/// <summary>The buffer reached its disk cap and may not evict; the caller should retry later.</summary>
public sealed class BufferFullException : Exception
{
    public BufferFullException()
        : this("The buffer is full and eviction is disabled.")
    {
    }

    public BufferFullException(string message)
        : base(message)
    {
    }

    public BufferFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long the caller should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
