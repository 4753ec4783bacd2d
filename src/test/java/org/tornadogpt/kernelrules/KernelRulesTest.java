package org.tornadogpt.kernelrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LocalVariableType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

    static final String KERNELS = "org/tornadogpt/kernels";

    /** The root of the compiled main classes (target/classes). */
    static Path classesRoot() throws URISyntaxException {
        return Path.of(MatmulKernels.class.getResource("MatmulKernels.class").toURI()).getParent().getParent().getParent().getParent();
    }

    /** Every class file of the compiled kernels package. */
    static List<Path> kernelClassFiles() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(classesRoot().resolve(KERNELS))) {
            return s.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !p.getFileName().toString().equals("package-info.class"))
                    .sorted().toList();
        }
    }

    /**
     * The kernels used as tasks: method handles to the kernel package in any compiled class (a
     * method reference such as {@code MatmulKernels::forward} passed to {@code Launch.of}).
     */
    static Set<String> entryPoints() throws IOException, URISyntaxException {
        Set<String> out = new TreeSet<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(classesRoot())) {
            all = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        for (Path f : all) {
            ClassModel cm = ClassFile.of().parse(Files.readAllBytes(f));
            for (PoolEntry e : cm.constantPool()) {
                if (e instanceof MethodHandleEntry mh) {
                    MemberRefEntry r = mh.reference();
                    String owner = r.owner().asInternalName();
                    if (KernelRules.packageOf(owner).equals(KERNELS))
                        out.add(owner + "." + r.name().stringValue() + r.type().stringValue());
                }
            }
        }
        return out;
    }

    @Test
    void everyKernelFollowsTheRules() throws Exception {
        List<Path> files = kernelClassFiles();
        assertTrue(files.size() >= 7, "expected the kernel classes, found " + files);
        Set<String> entries = entryPoints();
        assertTrue(entries.size() >= 8, "expected the kernels used as tasks, found " + entries);
        assertTrue(entries.stream().anyMatch(e -> e.startsWith(KERNELS + "/MatmulKernels.forward(")), entries.toString());
        List<byte[]> classes = new ArrayList<>();
        for (Path f : files) classes.add(Files.readAllBytes(f));
        List<Violation> all = KernelRules.check(classes, KERNELS, entries);
        assertTrue(all.isEmpty(), "kernel rule violations:\n" + all.stream().map(Violation::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void everyBrokenRuleInBadKernelsIsReported() {
        // entry points: every method but the helpers and host utilities
        String owner = BadKernels.class.getName().replace('.', '/');
        Set<String> entries = new TreeSet<>();
        for (MethodModel m : ClassFile.of().parse(bytes(BadKernels.class)).methods()) {
            String n = m.methodName().stringValue();
            if (!n.startsWith("<") && !n.startsWith("helper") && !n.startsWith("host")) entries.add(owner + "." + n + m.methodType().stringValue());
        }
        List<Violation> vs = KernelRules.check(List.of(bytes(BadKernels.class)), KernelRules.packageOf(owner), entries);
        String cls = BadKernels.class.getName();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("allocatesObject", "allocates: new uk.ac.manchester.tornado.api.types.arrays.FloatArray");
        expected.put("allocatesPrimitiveArray", "allocates: newarray float[]");
        expected.put("allocatesReferenceArray", "allocates: anewarray");
        expected.put("allocatesMultiArray", "allocates: multianewarray");
        expected.put("throwsException", "throws: athrow");
        expected.put("recurses", "recurses: calls itself");
        expected.put("unsignedShift", "uses the unsigned shift >>> (iushr)");
        expected.put("helperPing", "recurses through BadKernels.helperPing -> BadKernels.helperPong -> BadKernels.helperPing");
        expected.put("helperAllocates", "allocates: newarray float[]");
        expected.put("callsKernel", "calls kernel org.tornadogpt.kernelrules.bad.BadKernels.allocatesObject, which has a @Parallel loop");
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
        for (String fine : List.of("good(", "helperSquare(", "hostThreshold(", "mutualRecursion(", "callsAllocatingHelper("))
            assertFalse(vs.stream().anyMatch(v -> v.method().startsWith(fine)), fine + " was flagged: " + vs);
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
        long methods = ClassFile.of().parse(stripped).methods().stream().filter(m -> !m.methodName().stringValue().startsWith("<")).count();
        assertEquals(methods, vs.size(), vs.toString());
        for (Violation v : vs) {
            assertEquals(MatmulKernels.class.getName(), v.className());
            assertTrue(v.reason().contains("LocalVariableTable"), v.reason());
        }
        assertTrue(vs.stream().anyMatch(v -> v.method().startsWith("forward(")), vs.toString());
        assertTrue(KernelRules.check(bytes(MatmulKernels.class)).isEmpty());
    }
}
