using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Ers.Deploy.Tests;

/// <summary>Renders a kustomization with the real <c>kubectl kustomize</c>, the way <c>kubectl apply -k</c> sees it.</summary>
public static class Kustomize
{
    public const string Base = "k8s/base";
    public const string ExampleOverlay = "k8s/overlays/example";

    private static readonly TimeSpan RenderTimeout = TimeSpan.FromMinutes(1);
    private static readonly ConcurrentDictionary<string, Lazy<RenderedManifests>> Cache = new();

    /// <summary>The rendered objects of a kustomization folder given relative to the repository root (rendered once per run).</summary>
    public static RenderedManifests Render(string kustomizationFolder) =>
        Cache.GetOrAdd(kustomizationFolder, folder => new Lazy<RenderedManifests>(() => RenderNow(folder))).Value;

    private static RenderedManifests RenderNow(string kustomizationFolder)
    {
        var fullPath = Repository.PathOf(kustomizationFolder);
        var startInfo = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("kustomize");
        startInfo.ArgumentList.Add(fullPath);

        Process process;
        try
        {
            process = Process.Start(startInfo)
                ?? throw new InvalidOperationException("kubectl did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "kubectl is not on PATH. The deploy tests render the manifests with `kubectl kustomize` "
                + "(kubectl 1.32 or later carries kustomize v5): install kubectl and run the tests again.",
                e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(RenderTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"`kubectl kustomize {kustomizationFolder}` took longer than {RenderTimeout}.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"`kubectl kustomize {kustomizationFolder}` failed with exit code {process.ExitCode}: {errors.Result}");
            }

            return RenderedManifests.Parse(kustomizationFolder, output.Result);
        }
    }
}
