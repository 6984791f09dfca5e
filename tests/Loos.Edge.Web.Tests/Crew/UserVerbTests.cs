using System.Diagnostics;
using System.Globalization;
using Loos.Edge.Integration.Tests;

namespace Loos.Edge.Web.Tests;

/// <summary><c>loos-edge web user add|remove</c> run as the energy manager runs them, the hash checked by Python's hashlib.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UserVerbTests : IDisposable
{
    private const string Password = "un-mot-de-passe-long";
    private readonly string directory = Directory.CreateTempSubdirectory("loos-edge-crew-users-").FullName;

    public UserVerbTests() => File.WriteAllText(SiteFile, "site:\n  name: mairie\nbuffer:\n  directory: buffer\nweb:\n  usersFile: crew-users.txt\n");

    private string SiteFile => Path.Combine(directory, "site.yaml");

    private string UsersFile => Path.Combine(directory, "crew-users.txt");

    [Fact]
    public async Task Add_PasswordFromStandardInput_StoredAsPbkdf2Sha256ThatHashlibReproduces_OwnerOnly()
    {
        var (code, output, _) = await RunAsync(Password + "\n", "add", "marie");
        Assert.Equal(0, code);
        Assert.Contains("marie: added", output, StringComparison.Ordinal);

        var text = await File.ReadAllTextAsync(UsersFile);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        var fields = Assert.Single(text.Split('\n'), l => l.StartsWith("marie ", StringComparison.Ordinal)).Split(' ');
        Assert.Equal("pbkdf2-sha256", fields[1]);
        Assert.True(int.Parse(fields[2], CultureInfo.InvariantCulture) >= 100_000);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(UsersFile));

        // An independent PBKDF2: Python's hashlib on the stored salt and iterations.
        var script = $"import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac('sha256',b'{Password}',base64.b64decode('{fields[3]}'),{fields[2]})).decode())";
        var python = await ProcessAsync("/usr/bin/python3", null, "-c", script);
        Assert.Equal(fields[4], python.Output.Trim());
    }

    [Fact]
    public async Task Add_NoPassword_Refused_Remove_UnknownIsAFailure_KnownIsRemoved()
    {
        Assert.Equal(2, (await RunAsync("", "add", "marie")).Code);
        Assert.False(File.Exists(UsersFile));

        Assert.Equal(0, (await RunAsync(Password + "\n", "add", "marie")).Code);
        var unknown = await RunAsync(null, "remove", "paul");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("paul: no such user", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync(null, "remove", "marie")).Code);
        Assert.DoesNotContain("marie", await File.ReadAllTextAsync(UsersFile), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private Task<(int Code, string Output, string Error)> RunAsync(string? input, string verb, string name) =>
        ProcessAsync("dotnet", input ?? "", GatewayProcess.Assembly, "web", "user", verb, "--name", name, "--config", SiteFile);

    private static async Task<(int Code, string Output, string Error)> ProcessAsync(string file, string? input, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
