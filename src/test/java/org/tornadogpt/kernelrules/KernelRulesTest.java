package org.tornadogpt.kernelrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LocalVariableType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.tornadogpt.kernelrules.KernelRules.Violation;
import org.tornadogpt.kernelrules.bad.BadKernels;
import org.tornadogpt.kernels.MatmulKernels;

/**
 * The kernel-rules guard: every compiled class of {@code org.tornadogpt.kernels} follows
 * TornadoVM's kernel rules ({@link KernelRules}), and the guard does catch each kind of broken
 * kernel in {@link BadKernels}.
 */
class KernelRulesTest {

    static byte[] bytes(Class<?> c) {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every class file in the directory that holds the compiled kernels package. */
    static List<Path> kernelClassFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(MatmulKernels.class.getResource("MatmulKernels.class").toURI()).getParent();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !p.getFileName().toString().equals("package-info.class"))
                    .sorted().toList();
        }
    }

    @Test
    void everyKernelFollowsTheRules() throws Exception {
        List<Path> files = kernelClassFiles();
        assertTrue(files.size() >= 7, "expected the kernel classes, found " + files);
        List<Violation> all = new ArrayList<>();
        int methods = 0;
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            all.addAll(KernelRules.check(b));
            methods += (int) ClassFile.of().parse(b).methods().stream()
                    .filter(m -> !m.methodName().stringValue().startsWith("<")).count();
        }
        assertTrue(methods >= 8, "expected kernel methods, found " + methods);
        assertTrue(all.isEmpty(), "kernel rule violations:\n" + all.stream().map(Violation::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void everyBrokenRuleInBadKernelsIsReported() {
        List<Violation> vs = KernelRules.check(bytes(BadKernels.class));
        String cls = BadKernels.class.getName();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("allocatesObject", "allocates: new uk.ac.manchester.tornado.api.types.arrays.FloatArray");
        expected.put("allocatesPrimitiveArray", "allocates: newarray float[]");
        expected.put("allocatesReferenceArray", "allocates: anewarray");
        expected.put("allocatesMultiArray", "allocates: multianewarray");
        expected.put("throwsException", "throws: athrow");
        expected.put("recurses", "recurses");
        expected.put("callsOutsideAllowlist", "calls java.lang.Math.cbrt");
        expected.put("boxes", "calls java.lang.Float.valueOf");
        expected.put("concatenatesStrings", "uses invokedynamic (makeConcatWithConstants)");
        expected.put("usesLambda", "uses invokedynamic (applyAsInt)");
        expected.put("usesReduce", "uses @Reduce");
        expected.put("heapArrayParameter", "parameter 2 has type float[]");
        expected.put("sixteenParameters", "16 parameters");
        expected.put("noLaunchConvention", "does not start with (int first, int count)");
        expected.put("loopStartsAtArgument", "does not start at a constant");
        expected.put("readsStaticField", "accesses field");
        expected.put("instanceMethod", "not static");
        List<String> missing = new ArrayList<>();
        expected.forEach((method, reason) -> {
            boolean found = vs.stream().anyMatch(v -> v.className().equals(cls)
                    && v.method().startsWith(method + "(") && v.reason().contains(reason));
            if (!found) missing.add(method + ": " + reason);
        });
        assertTrue(missing.isEmpty(), "not reported: " + missing + "\nreported:\n"
                + vs.stream().map(Violation::toString).collect(Collectors.joining("\n")));
        assertFalse(vs.stream().anyMatch(v -> v.method().startsWith("good(")), "the good kernel was flagged: " + vs);
        // every bad method is reported for its own rule, not only for something incidental
        for (String method : expected.keySet())
            assertTrue(vs.stream().anyMatch(v -> v.method().startsWith(method + "(")), method);
    }

    @Test
    void aKernelWithoutLocalVariableTableIsReported() {
        // what javac -g:none (or a build without debug vars) would give: the same code, no local variables
        ClassFile cf = ClassFile.of();
        byte[] stripped = cf.transformClass(cf.parse(bytes(MatmulKernels.class)), ClassTransform.transformingMethodBodies(
                (code, e) -> { if (!(e instanceof LocalVariable) && !(e instanceof LocalVariableType)) code.with(e); }));
        List<Violation> vs = KernelRules.check(stripped);
        assertEquals(1, vs.size(), vs.toString());
        Violation v = vs.get(0);
        assertEquals(MatmulKernels.class.getName(), v.className());
        assertTrue(v.method().startsWith("forward("), v.method());
        assertTrue(v.reason().contains("LocalVariableTable"), v.reason());
        assertTrue(KernelRules.check(bytes(MatmulKernels.class)).isEmpty());
    }
}
