namespace Loos.Edge.Verbs;

/// <summary>
/// The one-line progress bar of the scan verbs, on standard error: drawn when standard error is a terminal (or when
/// forced with <c>--progress</c>), so that piped output stays clean.
/// </summary>
public sealed class ScanProgress(TextWriter error, bool shown)
{
    private const int Width = 30;

    /// <summary>A bar on <paramref name="error"/>, shown when it is the console's own terminal or when <paramref name="force"/> is set.</summary>
    public static ScanProgress For(TextWriter error, bool force) =>
        new(error, force || (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected));

    /// <summary>Redraws the bar at <paramref name="fraction"/> (0 to 1) with a short note of what is being done.</summary>
    public void Report(double fraction, string what)
    {
        if (!shown)
        {
            return;
        }

        var filled = (int)Math.Clamp(fraction * Width, 0, Width);
        error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}% {what}   "));
    }

    /// <summary>Erases the bar before results or errors are printed.</summary>
    public void Clear()
    {
        if (shown)
        {
            error.Write("\r" + new string(' ', 100) + "\r");
        }
    }
}
