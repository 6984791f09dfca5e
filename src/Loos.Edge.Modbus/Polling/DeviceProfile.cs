using System.Diagnostics.CodeAnalysis;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

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

    /// <summary>Reads the profile in <paramref name="path"/>.</summary>
    /// <exception cref="DeviceProfileException">The file cannot be read or is not a profile; the message has the file and line.</exception>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "YamlDotNet's reflection fills our options classes and lists of them, which the release keeps whole (TrimmerRootAssembly in Loos.Edge.csproj); no code is made at run time for them.")]
    public static DeviceProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var deserializer = new DeserializerBuilder()
                .WithNamingConvention(CamelCaseNamingConvention.Instance)
                .WithTypeConverter(new TimeSpanConverter())
                .Build();
            using var reader = File.OpenText(path);
            return deserializer.Deserialize<DeviceProfile?>(reader) ?? throw new DeviceProfileException($"{path}: the profile is empty.");
        }
        catch (YamlException exception)
        {
            throw new DeviceProfileException($"{path}:{exception.Start.Line}: {exception.InnerException?.Message ?? exception.Message}", exception);
        }
        catch (IOException exception)
        {
            throw new DeviceProfileException($"{path}: {exception.Message}", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new DeviceProfileException($"{path}: {exception.Message}", exception);
        }
    }

    /// <summary>The path of profile <paramref name="name"/> in <paramref name="directory"/>: <c>&lt;name&gt;.yaml</c>.</summary>
    public static string PathOf(string directory, string name) => Path.Combine(directory, name + ".yaml");

    // Profiles write durations as the site file does (hh:mm:ss).
    private sealed class TimeSpanConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(TimeSpan) || type == typeof(TimeSpan?);

        public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
        {
            var scalar = parser.Consume<YamlDotNet.Core.Events.Scalar>();
            return TimeSpan.Parse(scalar.Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
            throw new NotSupportedException("Profiles are only read.");
    }
}

/// <summary>A device profile could not be loaded; the message starts with the file (and line).</summary>
public sealed class DeviceProfileException : Exception
{
    public DeviceProfileException()
    {
    }

    public DeviceProfileException(string message)
        : base(message)
    {
    }

    public DeviceProfileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
