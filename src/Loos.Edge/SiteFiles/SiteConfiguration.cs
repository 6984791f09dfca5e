using Loos.Edge.Buffer;
using Loos.Edge.Forwarding;
using Loos.Edge.Gpio;
using Loos.Edge.Heating;
using Loos.Edge.Http;
using Loos.Edge.MBus.Polling;
using Loos.Edge.Modbus.Polling;
using Loos.Edge.Mqtt;
using Loos.Edge.Rollups;
using Loos.Edge.Simulation;

namespace Loos.Edge.SiteFiles;

/// <summary>
/// Every section of a site file, bound and validated at once, so that a technician sees all the problems of a
/// file in one go, each with its file, line and key.
/// </summary>
internal sealed class SiteConfiguration
{
    private static readonly string[] KnownSections = ["site", "buffer", "forwarder", "listener", "health", "simulation", "modbus", "mbus", "mqtt", "gpio", "heating", "rollups"];

    public required SiteFile File { get; init; }

    /// <summary>The site's name (key <c>site:name</c>), shown in logs and health; default the host name.</summary>
    public required string SiteName { get; init; }

    public required BufferOptions Buffer { get; init; }

    public required ForwarderOptions Forwarder { get; init; }

    public required ListenerOptions Listener { get; init; }

    public required HealthOptions Health { get; init; }

    public required SimulationOptions Simulation { get; init; }

    public required ModbusOptions Modbus { get; init; }

    public required MBusOptions MBus { get; init; }

    public required MqttOptions Mqtt { get; init; }

    public required GpioOptions Gpio { get; init; }

    public required HeatingOptions Heating { get; init; }

    public required RollupOptions Rollups { get; init; }

    /// <summary>Reads, binds and validates a site file.</summary>
    /// <exception cref="SiteFileException">The file cannot be read, or has problems; all of them are listed.</exception>
    public static SiteConfiguration Load(string path) => Load(SiteFile.Load(path));

    /// <summary>Binds and validates a parsed site file.</summary>
    /// <exception cref="SiteFileException">The file has problems; all of them are listed.</exception>
    public static SiteConfiguration Load(SiteFile file)
    {
        var problems = new List<string>();
        foreach (var section in file.Configuration.GetChildren())
        {
            if (!KnownSections.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{file.Locate(section.Path)}: unknown section '{section.Key}' (known: {string.Join(", ", KnownSections)}).");
            }
        }

        var site = file.Configuration.GetSection("site");
        if (SectionBinder.HasShape(file, "site", SiteNodeShape.Mapping, problems))
        {
            foreach (var key in site.GetChildren().Where(c => !c.Key.Equals("name", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{file.Locate(key.Path)}: {key.Path}: unknown key '{key.Key}' (known here: name).");
            }

            SectionBinder.HasShape(file, "site:name", SiteNodeShape.Value, problems);
        }

        var configuration = new SiteConfiguration
        {
            File = file,
            SiteName = site["name"] is { Length: > 0 } name ? name : Environment.MachineName,
            Buffer = SectionBinder.Bind<BufferOptions>(file, "buffer", problems),
            Forwarder = SectionBinder.Bind<ForwarderOptions>(file, "forwarder", problems),
            Listener = SectionBinder.Bind<ListenerOptions>(file, "listener", problems),
            Health = SectionBinder.Bind<HealthOptions>(file, "health", problems),
            Simulation = SectionBinder.Bind<SimulationOptions>(file, "simulation", problems),
            Modbus = SectionBinder.Bind<ModbusOptions>(file, "modbus", problems),
            MBus = SectionBinder.Bind<MBusOptions>(file, "mbus", problems),
            Mqtt = SectionBinder.Bind<MqttOptions>(file, "mqtt", problems),
            Gpio = SectionBinder.Bind<GpioOptions>(file, "gpio", problems),
            Heating = SectionBinder.Bind<HeatingOptions>(file, "heating", problems),
            Rollups = SectionBinder.Bind<RollupOptions>(file, "rollups", problems),
        };

        configuration.ResolvePaths();

        // Each gateway keeps its own MQTT session: the client id defaults to the site's name.
        if (string.IsNullOrWhiteSpace(configuration.Mqtt.ClientId))
        {
            configuration.Mqtt.ClientId = "loos-edge-" + Slug(configuration.SiteName);
        }
        configuration.Validate(problems);
        if (problems.Count > 0)
        {
            throw new SiteFileException(problems);
        }

        return configuration;
    }

    /// <summary>Lower-case letters and digits, other characters as '-': a name any broker accepts in a client id.</summary>
    private static string Slug(string name) =>
        string.Concat(name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));

    /// <summary>Paths in the site file are relative to the file itself, wherever the gateway is started from.</summary>
    private void ResolvePaths()
    {
        Buffer.Directory = File.ResolvePath(Buffer.Directory) ?? string.Empty;
        Listener.TokenFile = File.ResolvePath(Listener.TokenFile);
        Forwarder.DeadLetterDirectory = Buffer.Directory;

        // Device profiles sit in profiles/ beside the site file unless the file says otherwise.
        Modbus.ProfileDirectory = File.ResolvePath(string.IsNullOrEmpty(Modbus.ProfileDirectory) ? "profiles" : Modbus.ProfileDirectory);
        Mqtt.ResolvePaths(File.ResolvePath);
        Gpio.ResolvePaths(File.ResolvePath, Buffer.Directory);
        Rollups.ResolvePaths(File.ResolvePath, Buffer.Directory);
        foreach (var target in Forwarder.Targets)
        {
            target.TokenFile = File.ResolvePath(target.TokenFile);
            target.PasswordFile = File.ResolvePath(target.PasswordFile);
            target.DeadLetterFile = File.ResolvePath(target.DeadLetterFile);
            target.CaFile = File.ResolvePath(target.CaFile);
        }
    }

    private void Validate(List<string> problems)
    {
        void Add(IEnumerable<string> failures)
        {
            foreach (var failure in failures)
            {
                // Validators start their messages with the key ("buffer:capBytes must …"): point at its line.
                var key = failure.Split(' ', 2)[0].TrimEnd(':');
                problems.Add($"{File.Locate(key)}: {failure}");
            }
        }

        Add(Buffer.Validate());
        Add(ForwarderOptionsValidator.Check(Forwarder));
        Add(new ListenerOptionsValidator().Validate(null, Listener).Failures ?? []);
        Add(ModbusOptionsValidator.Check(Modbus));
        Add(MBusOptionsValidator.Check(MBus));
        Add(MqttOptionsValidator.Check(Mqtt));
        Add(GpioOptionsValidator.Check(Gpio));
        Add(Heating.Validate());
        if (Heating.PublishSeries && !Forwarder.Targets.Any(t => Heating.Target is null || t.Name == Heating.Target))
        {
            Add([Heating.Target is null
                ? "heating:publishSeries: needs a forwarder target to read the readings back from"
                : $"heating:target: no forwarder target is named '{Heating.Target}'"]);
        }
        Add(Rollups.Validate());
        Add(new HealthOptionsValidator(Microsoft.Extensions.Options.Options.Create(Listener)).Validate(null, Health).Failures ?? []);
        if (Simulation.Enabled && Simulation.Interval <= TimeSpan.Zero)
        {
            Add(["simulation:interval must be positive."]);
        }
    }
}
