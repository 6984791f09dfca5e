namespace Loos.Edge.Gpio;

/// <summary>A GPIO chip or pin cannot be used: none on this machine, no permission, or the pin is taken.</summary>
public sealed class GpioUnavailableException : Exception
{
    public GpioUnavailableException()
    {
    }

    public GpioUnavailableException(string message)
        : base(message)
    {
    }

    public GpioUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A one-line cause a technician can act on, for <paramref name="pin"/> (or the chip when null).</summary>
    public static string Explain(int? pin, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var what = pin is { } number ? $"GPIO {number} cannot be opened" : "the GPIO chip cannot be opened";
        var text = exception.ToString();
        // A pin is opened on a chip that exists; only the chip itself can be missing.
        if (pin is null && OperatingSystem.IsLinux() && Directory.Exists("/dev") && !Directory.EnumerateFiles("/dev", "gpiochip*").Any())
        {
            return $"{what}: there is no GPIO chip on this machine (no /dev/gpiochip*)";
        }

        if (exception is UnauthorizedAccessException || text.Contains("Permission denied", StringComparison.OrdinalIgnoreCase)
            || text.Contains("EACCES", StringComparison.Ordinal))
        {
            return $"{what}: permission denied; the user must be in the group gpio (sudo usermod -aG gpio {Environment.UserName}, then log in again)";
        }

        if (text.Contains("busy", StringComparison.OrdinalIgnoreCase) || text.Contains("EBUSY", StringComparison.Ordinal))
        {
            return $"{what}: the pin is in use by another program or a device-tree overlay";
        }

        return $"{what}: {exception.Message}";
    }
}
