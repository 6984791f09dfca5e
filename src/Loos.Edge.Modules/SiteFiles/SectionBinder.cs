using System.Collections;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Loos.Edge.Modules.SiteFiles;

/// <summary>
/// Binds one site-file section to its options class, turning every problem (a key the class does not have, a
/// value of the wrong type) into a message with the file, the line and the key; checks a profile or a preset, read
/// whole into its class, the same way.
/// </summary>
public static class SectionBinder
{
    // The options classes (profiles' and presets' too) are in the gateway's own assemblies, which the release keeps
    // whole (TrimmerRootAssembly in Loos.Edge.csproj): their properties and the scalar types' converters are all there.
    private const string OptionsKeptWhole = "The options classes' assemblies are kept whole by the release.";

    /// <summary>
    /// Binds <paramref name="section"/> into <paramref name="options"/> with <paramref name="module"/>'s binder, reporting
    /// every problem to <paramref name="problems"/>.
    /// </summary>
    public static void Bind(SiteFile file, string section, GatewayModule module, object options, List<string> problems)
    {
        var configuration = file.Configuration.GetSection(section);
        if (!HasShape(file, section, SiteNodeShape.Mapping, problems))
        {
            return;
        }

        var problemsBefore = problems.Count;
        ReportUnknownChildren(file, configuration, options.GetType(), problems);
        try
        {
            module.BindOptions(configuration, options);
        }
        catch (InvalidOperationException exception)
        {
            // Values and shapes were checked above, key by key; whatever the binder still refuses is told at the section.
            if (problems.Count == problemsBefore)
            {
                problems.Add($"{file.Locate(section)}: {file.Spell(section)}: {exception.Message}");
            }
        }
    }

    /// <summary>
    /// Binds a file read whole into one class (a device profile, an MQTT preset) as <see cref="Bind"/> binds a section:
    /// every key <paramref name="type"/> does not have and every value or shape it cannot take is reported to
    /// <paramref name="problems"/>, and only a file without any is bound, by <paramref name="bind"/> (the caller's
    /// generated binder). False when something was reported.
    /// </summary>
    public static bool BindWhole(SiteFile file, Type type, Action<IConfiguration> bind, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(problems);
        var problemsBefore = problems.Count;
        ReportUnknownChildren(file, file.Configuration, type, problems);
        if (problems.Count > problemsBefore)
        {
            return false;
        }

        try
        {
            bind(file.Configuration);
            return true;
        }
        catch (InvalidOperationException exception)
        {
            // Keys, shapes and values were checked above; whatever the binder still refuses is told at the file.
            problems.Add($"{file.Path}: {exception.Message}");
            return false;
        }
    }

    /// <summary>
    /// Whether the file holds what <paramref name="key"/> expects (an empty value stands for none, whatever the shape);
    /// reports it otherwise.
    /// </summary>
    public static bool HasShape(SiteFile file, string key, SiteNodeShape expected, List<string> problems)
    {
        var found = file.ShapeOf(key);
        if (found is SiteNodeShape.Missing or SiteNodeShape.Empty || found == expected)
        {
            return true;
        }

        problems.Add($"{file.Locate(key)}: {file.Spell(key)}: {Describe(expected, "a mapping of keys")} is expected here, not {Describe(found, "a mapping")}.");
        return false;
    }

    private static string Describe(SiteNodeShape shape, string mapping) => shape switch
    {
        SiteNodeShape.Value => "a single value",
        SiteNodeShape.List => "a list",
        _ => mapping,
    };

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = OptionsKeptWhole)]
    private static void ReportUnknownKeys(SiteFile file, IConfigurationSection node, Type owner, List<string> problems)
    {
        var property = owner.GetProperty(node.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || !property.CanWrite && !IsCollection(property.PropertyType))
        {
            var known = string.Join(", ", owner.GetProperties().Where(p => p.CanWrite || IsCollection(p.PropertyType)).Select(p => CamelCase(p.Name)));
            // A key at the top of a profile or a preset is its own path: "file:3: unknown key 'feilds'".
            var where = node.Path == node.Key ? file.Locate(node.Path) : $"{file.Locate(node.Path)}: {file.Spell(node.Path)}";
            problems.Add($"{where}: unknown key '{node.Key}' (known here: {known}).");
            return;
        }

        var type = property.PropertyType;
        if (!HasShape(file, node.Path, ShapeOf(type), problems))
        {
            return;
        }

        if (node.Value is { } text && IsScalar(type))
        {
            // The binder silently drops a list item whose value does not convert: check every value first.
            ReportInconvertible(file, node, text, Nullable.GetUnderlyingType(type) ?? type, problems);
            if (SitePaths.IsPath(property) && SitePaths.Check(text, file.Directory) is { } pathProblem)
            {
                problems.Add($"{file.Locate(node.Path)}: {file.Spell(node.Path)}: {pathProblem}");
            }
        }
        else if (ElementTypeOf(type) is { } elementType)
        {
            foreach (var item in node.GetChildren().Where(item => HasShape(file, item.Path, SiteNodeShape.Mapping, problems)))
            {
                ReportUnknownChildren(file, item, elementType, problems);
            }
        }
        else if (ScalarElementTypeOf(type) is { } scalarType)
        {
            foreach (var item in node.GetChildren().Where(item => HasShape(file, item.Path, SiteNodeShape.Value, problems) && item.Value is not null))
            {
                ReportInconvertible(file, item, item.Value!, scalarType, problems);
            }
        }
        else if (IsDictionary(type))
        {
            // Dictionaries (such as a device's tags) take any key, each with a single value.
            foreach (var entry in node.GetChildren())
            {
                HasShape(file, entry.Path, SiteNodeShape.Value, problems);
            }
        }
        else if (type.IsClass && type != typeof(string))
        {
            ReportUnknownChildren(file, node, type, problems);
        }
    }

    private static void ReportUnknownChildren(SiteFile file, IConfiguration node, Type owner, List<string> problems)
    {
        foreach (var child in node.GetChildren())
        {
            ReportUnknownKeys(file, child, owner, problems);
        }
    }

    /// <summary>What the site file must hold for an option of <paramref name="type"/>, from the type the binder fills.</summary>
    private static SiteNodeShape ShapeOf(Type type) =>
        IsScalar(type) ? SiteNodeShape.Value
        : IsDictionary(type) ? SiteNodeShape.Mapping
        : IsCollection(type) ? SiteNodeShape.List
        : SiteNodeShape.Mapping;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = OptionsKeptWhole)]
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = OptionsKeptWhole)]
    private static void ReportInconvertible(SiteFile file, IConfigurationSection node, string text, Type type, List<string> problems)
    {
        if (type.IsEnum)
        {
            if (!Enum.TryParse(type, text, ignoreCase: true, out _) || int.TryParse(text, out _))
            {
                var names = string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
                problems.Add($"{file.Locate(node.Path)}: {file.Spell(node.Path)}: '{text}' is not one of {names}.");
            }

            return;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            problems.Add($"{file.Locate(node.Path)}: {file.Spell(node.Path)}: '{text}' is not a valid {Describe(type)}.");
        }
    }

    private static bool IsScalar(Type type) => type == typeof(string) || !type.IsClass && !IsCollection(type);

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => "duration (hh:mm:ss, e.g. 00:00:30)",
        _ when type == typeof(bool) => "boolean (true or false)",
        _ when type == typeof(int) || type == typeof(long) => "whole number",
        _ when type == typeof(double) => "number",
        _ => type.Name,
    };

    /// <summary>Dictionaries (such as a device's tags) take any key.</summary>
    private static bool IsDictionary(Type type) => typeof(IDictionary).IsAssignableFrom(type);

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>The element type of a list of option objects; null for scalars, lists of scalars and dictionaries.</summary>
    private static Type? ElementTypeOf(Type type)
    {
        if (!IsCollection(type) || !type.IsGenericType || type.GetGenericArguments() is not [var element])
        {
            return null;
        }

        return element.IsClass && element != typeof(string) ? element : null;
    }

    /// <summary>The element type of a list of values (such as a list of model ids); null otherwise.</summary>
    private static Type? ScalarElementTypeOf(Type type) =>
        IsCollection(type) && !IsDictionary(type) && type.IsGenericType && type.GetGenericArguments() is [var element] && IsScalar(element)
            ? Nullable.GetUnderlyingType(element) ?? element
            : null;

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
