using System.Globalization;
using Loos.Edge.Core;
using Loos.Edge.Hosting;
using Loos.Edge.Modules;
using Loos.Edge.Modules.SiteFiles;

namespace Loos.Edge.SiteFiles;

/// <summary>
/// A site file bound and validated by every module at once, so that a technician sees all the problems of a file in
/// one go, each with its file, line and key. Each module's section is bound once into its options, prepared (paths,
/// defaults from earlier modules) and validated once.
/// </summary>
internal sealed class SiteConfiguration : ISiteContext
{
    /// <summary>The section every site file may have besides the modules': the site's own name.</summary>
    private const string SiteSection = "site";

    private readonly Dictionary<Type, object> options;

    /// <summary>While a module validates: the options of other modules it reads.</summary>
    private HashSet<Type>? readByValidation;

    /// <summary>The zone of a site file that names none.</summary>
    private const string DefaultTimeZone = "Europe/Paris";

    private static readonly string[] SiteKeys = ["name", "latitude", "longitude", "timeZone"];

    private SiteConfiguration(SiteFile file, string name, SiteLocation? location, TimeZoneInfo timeZone, IReadOnlyList<GatewayModule> modules, Dictionary<Type, object> options)
    {
        File = file;
        Name = name;
        Location = location;
        TimeZone = timeZone;
        Modules = modules;
        this.options = options;
    }

    public SiteFile File { get; }

    /// <summary>The site's name (key <c>site:name</c>), shown in logs and health; default the host name.</summary>
    public string Name { get; }

    public SiteLocation? Location { get; }

    public TimeZoneInfo TimeZone { get; }

    public string Directory => File.Directory;

    /// <summary>The modules the site was loaded with, in order.</summary>
    public IReadOnlyList<GatewayModule> Modules { get; }

    /// <summary>Reads, binds and validates a site file with the gateway's modules.</summary>
    /// <exception cref="SiteFileException">The file cannot be read, or has problems; all of them are listed.</exception>
    public static SiteConfiguration Load(string path, IReadOnlyList<GatewayModule>? modules = null) => Load(SiteFile.Load(path), modules);

    /// <summary>Binds and validates a parsed site file with <paramref name="modules"/> (default: the gateway's).</summary>
    /// <exception cref="SiteFileException">The file has problems; all of them are listed.</exception>
    public static SiteConfiguration Load(SiteFile file, IReadOnlyList<GatewayModule>? modules = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        modules ??= GatewayModules.All;
        var problems = new List<string>();
        string[] known = [SiteSection, .. modules.Select(m => m.Section).OfType<string>()];
        foreach (var section in file.Configuration.GetChildren())
        {
            if (!known.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{file.Locate(section.Path)}: unknown section '{section.Key}' (known: {string.Join(", ", known)}).");
            }
        }

        var options = new Dictionary<Type, object>();
        var unbound = new HashSet<Type>();
        foreach (var module in modules)
        {
            if (module.Section is { } section && module.CreateOptions() is { } moduleOptions)
            {
                var before = problems.Count;
                SectionBinder.Bind(file, section, module, moduleOptions, problems);
                options[moduleOptions.GetType()] = moduleOptions;
                if (problems.Count > before)
                {
                    unbound.Add(moduleOptions.GetType());
                }
            }
        }

        var (name, location, timeZone) = ReadSite(file, problems);
        var site = new SiteConfiguration(file, name, location, timeZone, modules, options);
        foreach (var module in modules)
        {
            module.Prepare(site);
        }

        var moduleProblems = new ConfigurationProblems();
        foreach (var module in modules)
        {
            moduleProblems.AddRange(site.ValidateModule(module, unbound));
        }

        problems.AddRange(moduleProblems.Entries.Select(problem => $"{file.Locate(problem.Key)}: {problem.Text}"));
        return problems.Count > 0 ? throw new SiteFileException(problems) : site;
    }

    public TOptions Options<TOptions>()
        where TOptions : class
    {
        readByValidation?.Add(typeof(TOptions));
        return options.TryGetValue(typeof(TOptions), out var value)
            ? (TOptions)value
            : throw new InvalidOperationException($"No module of the site has options of type {typeof(TOptions).Name}.");
    }

    /// <summary>
    /// The problems of <paramref name="module"/>, except when it read another section that did not bind: a value that did
    /// not convert is reported once, where it is, not again by every module that depends on it (fixing it shows the rest).
    /// </summary>
    private ConfigurationProblems ValidateModule(GatewayModule module, HashSet<Type> unbound)
    {
        var problems = new ConfigurationProblems();
        var own = module.CreateOptions()?.GetType();
        readByValidation = [];
        try
        {
            module.Validate(this, problems);
            return readByValidation.Any(type => type != own && unbound.Contains(type)) ? new ConfigurationProblems() : problems;
        }
        finally
        {
            readByValidation = null;
        }
    }

    public string? ResolvePath(string? path) => File.ResolvePath(path);

    /// <summary>The <c>site</c> section: its name (default the host name), where it is, and its time zone.</summary>
    private static (string Name, SiteLocation? Location, TimeZoneInfo TimeZone) ReadSite(SiteFile file, List<string> problems)
    {
        var site = file.Configuration.GetSection(SiteSection);
        if (SectionBinder.HasShape(file, SiteSection, SiteNodeShape.Mapping, problems))
        {
            foreach (var key in site.GetChildren().Where(c => !SiteKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
            {
                problems.Add($"{file.Locate(key.Path)}: {key.Path}: unknown key '{key.Key}' (known here: {string.Join(", ", SiteKeys)}).");
            }

            foreach (var key in SiteKeys)
            {
                SectionBinder.HasShape(file, $"{SiteSection}:{key}", SiteNodeShape.Value, problems);
            }
        }

        var latitude = ReadDegrees(file, "latitude", 90, problems);
        var longitude = ReadDegrees(file, "longitude", 180, problems);
        SiteLocation? location = null;
        if (latitude is { } lat && longitude is { } lon)
        {
            location = new SiteLocation(lat, lon);
        }
        else if (site["latitude"] is not null ^ site["longitude"] is not null)
        {
            var given = site["latitude"] is null ? "longitude" : "latitude";
            problems.Add($"{file.Locate($"{SiteSection}:{given}")}: {SiteSection}:{given}: needs site:{(given == "latitude" ? "longitude" : "latitude")} beside it");
        }

        var zoneName = site["timeZone"] is { Length: > 0 } zone ? zone : DefaultTimeZone;
        TimeZoneInfo timeZone;
        try
        {
            timeZone = TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            problems.Add($"{file.Locate($"{SiteSection}:timeZone")}: {SiteSection}:timeZone: '{zoneName}' is not a known time zone (e.g. Europe/Paris)");
            timeZone = TimeZoneInfo.Utc;
        }

        return (site["name"] is { Length: > 0 } name ? name : Environment.MachineName, location, timeZone);
    }

    /// <summary>A coordinate in decimal degrees within ±<paramref name="limit"/>, or null when absent or wrong (reported).</summary>
    private static double? ReadDegrees(SiteFile file, string key, double limit, List<string> problems)
    {
        var path = $"{SiteSection}:{key}";
        if (file.Configuration[path] is not { Length: > 0 } text)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var degrees) && Math.Abs(degrees) <= limit)
        {
            return degrees;
        }

        problems.Add($"{file.Locate(path)}: {path}: '{text}' is not a number of degrees between -{limit} and {limit}");
        return null;
    }
}
