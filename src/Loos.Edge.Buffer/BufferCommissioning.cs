using System.Globalization;
using Loos.Edge.Modules.Commissioning;

namespace Loos.Edge.Buffer;

/// <summary>The doctor's check of the data directory: writable, its free space, and how long the buffer lasts.</summary>
internal static class BufferCommissioning
{
    private const int ProbeBytes = 4096;

    // A readings record holds many readings: its header is shared, so a reading costs its own bytes on disk, at most
    // this many (a typical one takes half).
    private const double BytesPerReading = CompactReadings.MaxReadingBytes;

    public static IDoctorCheck DataDirectoryCheck(BufferOptions options, DoctorContext doctor) =>
        DoctorCheck.Of($"data directory {options.Directory}", () => Check(options, doctor));

    private static CheckResult Check(BufferOptions options, DoctorContext doctor)
    {
        var directory = options.Directory;
        if (!Directory.Exists(directory))
        {
            return CheckResult.Warn($"{directory} does not exist yet", "the service creates it at its first start; make sure its parent is writable by the service's user");
        }

        var probe = Path.Combine(directory, $".doctor-{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
            {
                stream.Write(new byte[ProbeBytes]);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            var free = FreeBytes(directory);
            return exception is UnauthorizedAccessException
                ? CheckResult.Fail($"{directory} is not writable by {Environment.UserName}: {exception.Message}", $"sudo chown -R {Environment.UserName} {directory} (the service's user must own it)")
                : CheckResult.Fail($"{directory}: cannot write ({exception.Message}); {Size(free)} free", "free space on that file system or give the buffer a larger one (buffer:directory)");
        }
        finally
        {
            File.Delete(probe);
        }

        var freeBytes = FreeBytes(directory);
        var held = Directory.EnumerateFiles(directory, "*.seg").Sum(path => new FileInfo(path).Length);
        var room = Math.Min(options.CapBytes, freeBytes + held);
        var lasts = doctor.ReadingsPerHour > 0
            ? string.Create(CultureInfo.InvariantCulture, $"; at {doctor.ReadingsPerHour:0} readings an hour from the configured points (at most {BytesPerReading} bytes each) the buffer holds at least {room / BytesPerReading / doctor.ReadingsPerHour:0} hours without a server")
            : "; no polled points configured, so no estimate of how long it lasts (readings pushed over MQTT or HTTP are not counted)";
        var detail = $"{directory}: writable, {Size(freeBytes)} free, buffer cap {Size(options.CapBytes)}{lasts}";
        if (freeBytes < options.SegmentBytes)
        {
            return CheckResult.Fail(detail, $"the buffer needs at least one segment ({Size(options.SegmentBytes)}) free: free space on that file system");
        }

        return freeBytes + held < options.CapBytes
            ? CheckResult.Warn(detail + " (the disk fills before the cap is reached)", "lower buffer:capBytes below the free space, or free space, so that the buffer evicts its oldest readings before the disk is full")
            : CheckResult.Pass(detail);
    }

    private static long FreeBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
    };
}
