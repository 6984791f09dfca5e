using Loos.Edge.Modules.SiteFiles;
using Microsoft.Extensions.Configuration;

namespace Loos.Edge.Modbus.Polling;

/// <summary>
/// A register map for a device model (a meter without SunSpec), loaded from a YAML file in
/// <c>firmware-config/profiles/</c>: its points and the request limits the device needs.
/// </summary>
public sealed class DeviceProfile
{
    /// <summary>The manufacturer and model, for people.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>The measurement of the device's series unless the site file sets one; none by default.</summary>
    public string? Measurement { get; set; }

    /// <summary>The most registers the device returns in one request; none by default (125).</summary>
    public int? MaxRegistersPerRequest { get; set; }

    /// <summary>Unused registers the device tolerates in a request between two points; none by default (10).</summary>
    public int? MaxGapRegisters { get; set; }

    /// <summary>The points, in the site file's point syntax.</summary>
    public List<ModbusPointOptions> Points { get; init; } = [];

    /// <summary>What messages call a profile file, and what its top level holds.</summary>
    private static readonly SiteFileKind Kind = new("profile", "keys (description:, points:, …)");

    /// <summary>
    /// Reads the profile in <paramref name="path"/> as the site file is read: the same YAML reader, the same checks of
    /// every key, bound by the same generated code.
    /// </summary>
    /// <exception cref="DeviceProfileException">
    /// The file cannot be read or is not a profile; the message has every problem, one line each, with the file and line.
    /// </exception>
    public static DeviceProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SiteFile file;
        try
        {
            file = SiteFile.Load(path, Kind);
        }
        catch (SiteFileException exception)
        {
            throw new DeviceProfileException(exception.Message, exception);
        }

        if (!file.Configuration.GetChildren().Any())
        {
            throw new DeviceProfileException($"{file.Path}: the profile is empty.");
        }

        var problems = new List<string>();
        var profile = new DeviceProfile();
        return SectionBinder.BindWhole(file, typeof(DeviceProfile), configuration => configuration.Bind(profile), problems)
            ? profile
            : throw new DeviceProfileException(problems);
    }

    /// <summary>The path of profile <paramref name="name"/> in <paramref name="directory"/>: <c>&lt;name&gt;.yaml</c>.</summary>
    public static string PathOf(string directory, string name) => Path.Combine(directory, name + ".yaml");
}

/// <summary>A device profile could not be loaded; the message starts with the file (and line).</summary>
public sealed class DeviceProfileException : Exception
{
    public DeviceProfileException()
    {
        Problems = [Message];
    }

    public DeviceProfileException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public DeviceProfileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = innerException is SiteFileException { Problems.Count: > 0 } siteFile ? siteFile.Problems : [message];
    }

    /// <summary>A profile with problems in its keys: all of them, one line each.</summary>
    public DeviceProfileException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one line each, each starting with file:line.</summary>
    public IReadOnlyList<string> Problems { get; }
}
