namespace Loos.Edge.Modbus.Transport;

/// <summary>
/// A reusable cancellation source for "this read must end by then", tied to the caller's token without allocating a
/// linked source per request.
/// </summary>
internal sealed class ResponseTimer : IDisposable
{
    private CancellationTokenSource source = new();

    public CancellationToken Token => source.Token;

    /// <summary>Arms the timer; the token fires after <paramref name="delay"/> or when <paramref name="callerToken"/> does.</summary>
    public CancellationTokenRegistration Start(TimeSpan delay, CancellationToken callerToken)
    {
        Reset();
        source.CancelAfter(delay <= TimeSpan.Zero ? TimeSpan.FromTicks(1) : delay);
        return callerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source);
    }

    public void Reset()
    {
        if (!source.TryReset())
        {
            source.Dispose();
            source = new CancellationTokenSource();
        }
    }

    public void Dispose() => source.Dispose();
}
